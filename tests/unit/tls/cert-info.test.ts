import { describe, expect, test } from "bun:test";
import { certInfo, generateSelfSigned } from "../../../src/tls/selfsigned.ts";

describe("certInfo", () => {
  test("reports subject, expiry and host names with IPv6 in its short form", () => {
    const { certPem } = generateSelfSigned({ hosts: ["localhost", "127.0.0.1", "::1", "fe80::2"], days: 10 });
    const info = certInfo(certPem);
    expect(info.subject).toBe("O=sluice, CN=sluice local");
    expect(info.hosts).toEqual(["localhost", "127.0.0.1", "::1", "fe80::2"]);
    const daysLeft = (info.notAfter.getTime() - Date.now()) / 86_400_000;
    expect(daysLeft).toBeGreaterThan(9.9);
    expect(daysLeft).toBeLessThan(10);
  });
});
