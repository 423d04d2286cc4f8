// A tiny ASN.1 DER writer: just the types an X.509 certificate needs. Every function is pure
// and returns the complete encoding (tag, definite length, contents) as a fresh Uint8Array.
// DER, not BER: minimal lengths, minimal two's-complement integers, no indefinite forms.

/** Tag numbers of the universal types we emit (X.680 8.4). */
export const Tag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Definite length: short form below 128, else 0x80|n followed by n big-endian bytes. */
export function encodeLength(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`bad DER length ${length}`);
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One TLV with a single-byte tag (all we need: universal and low context tags). */
export function tlv(tag: number, contents: Uint8Array): Uint8Array {
  return concat([Uint8Array.of(tag), encodeLength(contents.length), contents]);
}

export const sequence = (...items: Uint8Array[]): Uint8Array => tlv(Tag.sequence, concat(items));

/** SET OF: DER wants the elements sorted by their encodings (X.690 11.6). */
export function set(...items: Uint8Array[]): Uint8Array {
  const sorted = [...items].sort(compareBytes);
  return tlv(Tag.set, concat(sorted));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export const boolean = (value: boolean): Uint8Array => tlv(Tag.boolean, Uint8Array.of(value ? 0xff : 0x00));
export const octetString = (bytes: Uint8Array): Uint8Array => tlv(Tag.octetString, bytes);

/** INTEGER from a bigint, in minimal two's complement. */
export function integer(value: bigint | number): Uint8Array {
  let v = BigInt(value);
  const bytes: number[] = [];
  if (v === 0n) bytes.push(0);
  const negative = v < 0n;
  while (v !== 0n && v !== -1n) {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  // The sign lives in the top bit: pad when the magnitude's top bit says otherwise.
  const top = bytes[0] ?? 0;
  if (negative && (bytes.length === 0 || (top & 0x80) === 0)) bytes.unshift(0xff);
  if (!negative && (top & 0x80) !== 0) bytes.unshift(0x00);
  return tlv(Tag.integer, Uint8Array.from(bytes));
}

/** INTEGER from unsigned big-endian bytes (a serial number): strip zeros, pad if top bit set. */
export function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const body = bytes.subarray(start);
  if (body.length === 0) return tlv(Tag.integer, Uint8Array.of(0));
  const pad = ((body[0] ?? 0) & 0x80) !== 0;
  return tlv(Tag.integer, pad ? concat([Uint8Array.of(0), body]) : body);
}

/** OBJECT IDENTIFIER from dotted text: first two arcs folded, the rest base-128 (X.690 8.19). */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map((s) => {
    if (!/^\d+$/.test(s)) throw new TypeError(`bad OID ${dotted}`);
    return BigInt(s);
  });
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined || first > 2n || (first < 2n && second > 39n)) {
    throw new TypeError(`bad OID ${dotted}`);
  }
  const out: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) out.push(...base128(arc));
  return tlv(Tag.oid, Uint8Array.from(out));
}

function base128(value: bigint): number[] {
  const groups = [Number(value & 0x7fn)];
  for (let v = value >> 7n; v > 0n; v >>= 7n) groups.unshift(Number(v & 0x7fn) | 0x80);
  return groups;
}

/** BIT STRING whose contents are whole bytes (a key or a signature). */
export const bitString = (bytes: Uint8Array): Uint8Array =>
  tlv(Tag.bitString, concat([Uint8Array.of(0), bytes]));

/**
 * BIT STRING of named bits (bit 0 = most significant bit of the first byte), with trailing
 * zero bits dropped as DER requires for named bit lists (X.690 11.2.2).
 */
export function namedBits(bits: readonly number[]): Uint8Array {
  if (bits.length === 0) return tlv(Tag.bitString, Uint8Array.of(0));
  const highest = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const bit of bits) {
    const i = Math.floor(bit / 8);
    bytes[i] = (bytes[i] ?? 0) | (0x80 >> (bit % 8));
  }
  const unused = 7 - (highest % 8);
  return tlv(Tag.bitString, concat([Uint8Array.of(unused), bytes]));
}

const text = new TextEncoder();
export const utf8String = (value: string): Uint8Array => tlv(Tag.utf8String, text.encode(value));

/** The contents of an IA5String: 7-bit ASCII only; callers turn IDNs into punycode first. */
export function ia5Bytes(value: string): Uint8Array {
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 0x7f) throw new TypeError(`not IA5 (ASCII): ${value}`);
  }
  return text.encode(value);
}

export const ia5String = (value: string): Uint8Array => tlv(Tag.ia5String, ia5Bytes(value));

/** Context-specific constructed tag [n] EXPLICIT, wrapping one complete encoding. */
export const explicit = (n: number, inner: Uint8Array): Uint8Array => tlv(0xa0 | n, inner);

/** Context-specific primitive tag [n] IMPLICIT, replacing the tag of a primitive type. */
export const implicit = (n: number, contents: Uint8Array): Uint8Array => tlv(0x80 | n, contents);

const two = (n: number): string => String(n).padStart(2, "0");

/** UTCTime YYMMDDHHMMSSZ; only valid for 1950..2049 (RFC 5280 4.1.2.5.1). */
export function utcTime(date: Date): Uint8Array {
  const y = date.getUTCFullYear();
  if (y < 1950 || y > 2049) throw new RangeError(`UTCTime cannot hold year ${y}`);
  return tlv(Tag.utcTime, text.encode(`${two(y % 100)}${stamp(date)}Z`));
}

/** GeneralizedTime YYYYMMDDHHMMSSZ, no fractional seconds (RFC 5280 4.1.2.5.2). */
export function generalizedTime(date: Date): Uint8Array {
  const y = date.getUTCFullYear();
  if (y < 0 || y > 9999) throw new RangeError(`GeneralizedTime cannot hold year ${y}`);
  return tlv(Tag.generalizedTime, text.encode(`${String(y).padStart(4, "0")}${stamp(date)}Z`));
}

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050 on. */
export const x509Time = (date: Date): Uint8Array =>
  date.getUTCFullYear() >= 2050 ? generalizedTime(date) : utcTime(date);

function stamp(d: Date): string {
  return `${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`;
}
