import { describe, expect, test } from "bun:test";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { generateSelfSigned } from "../../../src/tls/selfsigned.ts";

const hosts = ["localhost", "127.0.0.1", "::1", "sluice.internal"];
const { certPem, keyPem } = generateSelfSigned({ hosts });
const cert = new X509Certificate(certPem);

describe("a generated self-signed certificate", () => {
  test("parses as X.509 and lists every host in its subjectAltName", () => {
    expect(cert.subjectAltName).toBe(
      "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:sluice.internal",
    );
  });

  test("matches each of its host names and IPs", () => {
    expect(cert.checkHost("localhost")).toBe("localhost");
    expect(cert.checkHost("sluice.internal")).toBe("sluice.internal");
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.checkIP("::1")).toBe("::1");
    expect(cert.checkHost("example.com")).toBeUndefined();
    expect(cert.checkIP("10.0.0.1")).toBeUndefined();
  });

  test("is signed by its own key", () => {
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
  });

  test("comes with the matching private key as PKCS#8 PEM", () => {
    expect(keyPem.startsWith("-----BEGIN PRIVATE KEY-----\n")).toBe(true);
    const key = createPrivateKey(keyPem);
    expect(cert.checkPrivateKey(key)).toBe(true);
    expect(key.asymmetricKeyType).toBe("ec");
    expect(key.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
  });

  test("names sluice as subject and issuer, and is a CA for serverAuth", () => {
    expect(cert.subject).toBe("O=sluice\nCN=sluice local");
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(true);
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
  });

  test("starts an hour in the past and lasts 825 days by default", () => {
    const from = Date.parse(cert.validFrom);
    const to = Date.parse(cert.validTo);
    expect(Date.now() - from).toBeGreaterThan(59 * 60_000);
    expect(Date.now() - from).toBeLessThan(70 * 60_000);
    expect(to - from).toBe(825 * 86_400_000);
  });

  test("has a random positive 16-byte serial", () => {
    expect(cert.serialNumber).toMatch(/^[0-7][0-9A-F]{31}$/);
    expect(generateSelfSigned({ hosts }).certPem).not.toBe(certPem);
    expect(new X509Certificate(generateSelfSigned({ hosts }).certPem).serialNumber).not.toBe(
      cert.serialNumber,
    );
  });

  test("takes a custom common name and validity", () => {
    const other = new X509Certificate(generateSelfSigned({ hosts, days: 30, commonName: "dev box" }).certPem);
    expect(other.subject).toBe("O=sluice\nCN=dev box");
    expect(Date.parse(other.validTo) - Date.parse(other.validFrom)).toBe(30 * 86_400_000);
  });

  test("can run past 2049 (GeneralizedTime) and still parse and verify", () => {
    const longLived = new X509Certificate(generateSelfSigned({ hosts, days: 365 * 40 }).certPem);
    expect(new Date(longLived.validTo).getUTCFullYear()).toBeGreaterThanOrEqual(2050);
    expect(longLived.verify(longLived.publicKey)).toBe(true);
    // GeneralizedTime tag 0x18 followed by a 15-byte YYYYMMDDHHMMSSZ
    expect(Buffer.from(longLived.raw).includes(Buffer.from([0x18, 0x0f]))).toBe(true);
  });

  test("refuses bad input with one message naming every problem", () => {
    expect(() => generateSelfSigned({ hosts: ["bad host", "::1%eth0"], days: 0 })).toThrow(
      /bad host.*zone.*days must be/,
    );
    expect(() => generateSelfSigned({ hosts: [] })).toThrow(/at least one host/);
    expect(() => generateSelfSigned({ hosts, commonName: "x".repeat(65) })).toThrow(/commonName/);
  });
});
