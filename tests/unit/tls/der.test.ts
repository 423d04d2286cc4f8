import { describe, expect, test } from "bun:test";
import {
  encodeLength,
  generalizedTime,
  ia5String,
  integer,
  namedBits,
  oid,
  sequence,
  set,
  tlv,
  unsignedInteger,
  utcTime,
  x509Time,
} from "../../../src/tls/der.ts";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

describe("DER lengths", () => {
  test("uses the short form up to 127", () => {
    expect(hex(encodeLength(0))).toBe("00");
    expect(hex(encodeLength(127))).toBe("7f");
  });

  test("uses one length byte from 128 to 255", () => {
    expect(hex(encodeLength(128))).toBe("8180");
    expect(hex(encodeLength(255))).toBe("81ff");
  });

  test("uses two or more length bytes above 255", () => {
    expect(hex(encodeLength(256))).toBe("820100");
    expect(hex(encodeLength(65535))).toBe("82ffff");
    expect(hex(encodeLength(65536))).toBe("83010000");
  });

  test("a TLV with 300 bytes of contents carries the long-form length and every byte", () => {
    const encoded = tlv(0x04, new Uint8Array(300).fill(7));
    expect(hex(encoded.subarray(0, 4))).toBe("0482012c");
    expect(encoded.length).toBe(304);
  });

  test("refuses negative or fractional lengths", () => {
    expect(() => encodeLength(-1)).toThrow(RangeError);
    expect(() => encodeLength(1.5)).toThrow(RangeError);
  });
});

describe("DER integers", () => {
  test("encodes small non-negative values in one byte", () => {
    expect(hex(integer(0))).toBe("020100");
    expect(hex(integer(2))).toBe("020102");
    expect(hex(integer(127))).toBe("02017f");
  });

  test("pads with a zero byte when the top bit would read as a sign", () => {
    expect(hex(integer(128))).toBe("02020080");
    expect(hex(integer(255))).toBe("020200ff");
    expect(hex(integer(256))).toBe("02020100");
    expect(hex(integer(0x8000n))).toBe("0203008000");
  });

  test("encodes negative values in minimal two's complement", () => {
    expect(hex(integer(-1))).toBe("0201ff");
    expect(hex(integer(-128))).toBe("020180");
    expect(hex(integer(-129))).toBe("0202ff7f");
    expect(hex(integer(-256))).toBe("0202ff00");
  });

  test("unsigned byte strings drop leading zeros and pad a set top bit", () => {
    expect(hex(unsignedInteger(Uint8Array.of(0, 0, 0x12)))).toBe("020112");
    expect(hex(unsignedInteger(Uint8Array.of(0x80, 1)))).toBe("0203008001");
    expect(hex(unsignedInteger(Uint8Array.of(0, 0x80)))).toBe("02020080");
    expect(hex(unsignedInteger(Uint8Array.of(0, 0)))).toBe("020100");
  });
});

describe("DER object identifiers", () => {
  test("folds the first two arcs into one byte", () => {
    expect(hex(oid("2.5.29.17"))).toBe("0603551d11");
    expect(hex(oid("2.5.4.3"))).toBe("0603550403");
  });

  test("writes large arcs base-128 with continuation bits", () => {
    expect(hex(oid("1.2.840.113549"))).toBe("06062a864886f70d");
    expect(hex(oid("1.2.840.10045.4.3.2"))).toBe("06082a8648ce3d040302");
    expect(hex(oid("1.3.6.1.5.5.7.3.1"))).toBe("06082b06010505070301");
  });

  test("lets the second arc exceed 39 under arc 2 (X.690 example 2.999.3)", () => {
    expect(hex(oid("2.999.3"))).toBe("0603883703");
  });

  test("refuses malformed identifiers", () => {
    expect(() => oid("1")).toThrow(TypeError);
    expect(() => oid("1.40")).toThrow(TypeError);
    expect(() => oid("3.1")).toThrow(TypeError);
    expect(() => oid("1.2.x")).toThrow(TypeError);
  });
});

describe("DER constructed values and bit strings", () => {
  test("a sequence wraps its items in order", () => {
    expect(hex(sequence(integer(1), integer(2)))).toBe("3006020101020102");
  });

  test("a set sorts its items by encoding", () => {
    expect(hex(set(integer(2), integer(1)))).toBe("3106020101020102");
  });

  test("an IA5String holds ASCII and refuses anything wider", () => {
    expect(hex(ia5String("a.b"))).toBe("1603612e62");
    expect(() => ia5String("bücher")).toThrow(TypeError);
  });

  test("named bits drop trailing zero bits (keyUsage digitalSignature + keyCertSign)", () => {
    expect(hex(namedBits([0, 5]))).toBe("03020284");
    expect(hex(namedBits([0]))).toBe("03020780");
    expect(hex(namedBits([8]))).toBe("0303070080");
    expect(hex(namedBits([]))).toBe("030100");
  });
});

describe("DER times", () => {
  const date = new Date(Date.UTC(2031, 0, 2, 3, 4, 5));

  test("UTCTime has a two-digit year and a Z", () => {
    expect(Buffer.from(utcTime(date).subarray(2)).toString()).toBe("310102030405Z");
    expect(utcTime(date)[0]).toBe(0x17);
  });

  test("GeneralizedTime has a four-digit year and a Z", () => {
    expect(Buffer.from(generalizedTime(date).subarray(2)).toString()).toBe("20310102030405Z");
    expect(generalizedTime(date)[0]).toBe(0x18);
  });

  test("certificate times switch to GeneralizedTime from 2050 on", () => {
    expect(x509Time(new Date(Date.UTC(2049, 11, 31, 23, 59, 59)))[0]).toBe(0x17);
    expect(x509Time(new Date(Date.UTC(2050, 0, 1)))[0]).toBe(0x18);
  });

  test("UTCTime refuses years it cannot represent", () => {
    expect(() => utcTime(new Date(Date.UTC(2050, 0, 1)))).toThrow(RangeError);
    expect(() => utcTime(new Date(Date.UTC(1949, 11, 31)))).toThrow(RangeError);
  });
});
