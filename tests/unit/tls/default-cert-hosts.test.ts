import { describe, expect, test } from "bun:test";
import { hostname } from "node:os";
import { defaultCertHosts, generateSelfSigned } from "../../../src/tls/selfsigned.ts";

describe("defaultCertHosts", () => {
  test("covers localhost, both loopback addresses and this machine's name, once each", () => {
    const hosts = defaultCertHosts();
    expect(hosts.slice(0, 3)).toEqual(["localhost", "127.0.0.1", "::1"]);
    expect(hosts).toContain(hostname().toLowerCase());
    expect(new Set(hosts).size).toBe(hosts.length);
    expect(hosts.every((h) => h !== "")).toBe(true);
  });

  test("are all accepted by generateSelfSigned", () => {
    expect(() => generateSelfSigned({ hosts: defaultCertHosts() })).not.toThrow();
  });
});
