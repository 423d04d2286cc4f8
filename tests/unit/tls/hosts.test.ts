import { describe, expect, test } from "bun:test";
import { ipv6Bytes, parseHosts } from "../../../src/tls/hosts.ts";

const hex = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString("hex");

describe("turning host names into subjectAltName entries", () => {
  test("IPv4 literals become 4 raw bytes", () => {
    const { entries } = parseHosts(["127.0.0.1"]);
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry?.kind).toBe("ip");
    if (entry?.kind === "ip") expect(hex(entry.bytes)).toBe("7f000001");
  });

  test("::1 becomes 16 raw bytes", () => {
    expect(hex(ipv6Bytes("::1"))).toBe("00000000000000000000000000000001");
  });

  test("IPv6 forms with '::' in any place, or an IPv4 tail, expand to 16 bytes", () => {
    expect(hex(ipv6Bytes("::"))).toBe("0".repeat(32));
    expect(hex(ipv6Bytes("fe80::1:2"))).toBe("fe800000000000000000000000010002");
    expect(hex(ipv6Bytes("2001:db8::"))).toBe("20010db8000000000000000000000000");
    expect(hex(ipv6Bytes("1:2:3:4:5:6:7:8"))).toBe("00010002000300040005000600070008");
    expect(hex(ipv6Bytes("::ffff:192.168.1.2"))).toBe("00000000000000000000ffffc0a80102");
  });

  test("bracketed IPv6 as written in URLs is accepted", () => {
    const [entry] = parseHosts(["[::1]"]).entries;
    expect(entry?.kind === "ip" && entry.bytes.length).toBe(16);
  });

  test("DNS names are lower-cased, a trailing dot dropped, IDNs turned into punycode", () => {
    const names = parseHosts(["LocalHost", "example.com.", "bücher.example", "*.dev.test"]).entries.map(
      (e) => (e.kind === "dns" ? e.name : e.text),
    );
    expect(names).toEqual(["localhost", "example.com", "xn--bcher-kva.example", "*.dev.test"]);
  });

  test("duplicates collapse, keeping the first", () => {
    const { entries } = parseHosts(["localhost", "LOCALHOST", "::1", "0:0:0:0:0:0:0:1", "127.0.0.1"]);
    expect(entries).toHaveLength(3);
  });

  test("every bad entry is reported at once, and none is thrown", () => {
    const { errors } = parseHosts(["ok.example", "bad host", "", "fe80::1%eth0", "a..b", "-x.example"]);
    expect(errors).toHaveLength(5);
    expect(errors.join("\n")).toContain("zone");
  });

  test("an empty list is an error", () => {
    expect(parseHosts([]).errors).toEqual(["at least one host name or IP is needed"]);
  });
});
