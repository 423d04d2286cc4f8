// Self-signed TLS for `sluice certs` and first start, with no openssl binary and no package:
// an ECDSA P-256 key from node:crypto and a certificate laid out by x509.ts. Promises: the
// key is PKCS#8 PEM, written 0600; the cert is X.509 v3 PEM, written 0644; existing files
// are never overwritten unless asked; a cert and key are always written as a pair.

import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate } from "node:crypto";
import { chmod, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, resolve } from "node:path";
import { parseHosts } from "./hosts.ts";
import { buildCertificate, toPem } from "./x509.ts";

const DEFAULT_DAYS = 825; // the longest validity Apple platforms accept for a server cert
const DEFAULT_COMMON_NAME = "sluice local";
const ORGANIZATION = "sluice";
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MAX_COMMON_NAME = 64; // ub-common-name, RFC 5280 appendix A.1

export interface SelfSignedOptions {
  /** DNS names and IP literals the cert is for; at least one. */
  hosts: string[];
  /** Validity in days, counted from one hour ago (clock skew). Default 825. */
  days?: number;
  /** Subject and issuer CN. Default "sluice local". */
  commonName?: string;
}

/** Make a fresh key and a cert for `hosts`. Throws one Error naming every bad input. */
export function generateSelfSigned(opts: SelfSignedOptions): { certPem: string; keyPem: string } {
  const days = opts.days ?? DEFAULT_DAYS;
  const commonName = opts.commonName ?? DEFAULT_COMMON_NAME;
  const { entries, errors } = parseHosts(opts.hosts);
  if (!Number.isInteger(days) || days < 1) errors.push(`days must be a whole number >= 1, got ${days}`);
  if (commonName === "" || commonName.length > MAX_COMMON_NAME) {
    errors.push(`commonName must be 1..${MAX_COMMON_NAME} characters`);
  }
  if (errors.length > 0) throw new Error(`cannot make a certificate: ${errors.join("; ")}`);

  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" });
  const point = Buffer.concat([
    Buffer.of(0x04), // uncompressed point: the subjectPublicKey bits
    Buffer.from(jwk.x ?? "", "base64url"),
    Buffer.from(jwk.y ?? "", "base64url"),
  ]);
  // DER times carry whole seconds; drop the milliseconds so the cert says what we mean.
  const notBefore = new Date(Math.floor((Date.now() - HOUR_MS) / 1000) * 1000);
  const der = buildCertificate(
    {
      spki: publicKey.export({ type: "spki", format: "der" }),
      keyId: createHash("sha1").update(point).digest(),
      serial: positiveSerial(),
      notBefore,
      notAfter: new Date(notBefore.getTime() + days * DAY_MS),
      commonName,
      organization: ORGANIZATION,
      san: entries,
    },
    (tbs) => sign("sha256", tbs, privateKey), // DER ECDSA-Sig-Value by default
  );
  return {
    certPem: toPem("CERTIFICATE", der),
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

/** 16 random bytes, top bit clear (positive) and first byte non-zero (stays 16 bytes in DER). */
function positiveSerial(): Uint8Array {
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f || 0x01;
  return serial;
}

/** localhost, 127.0.0.1, ::1 and this machine's host name (when it is a usable DNS name). */
export function defaultCertHosts(): string[] {
  const candidates = ["localhost", "127.0.0.1", "::1", hostname().trim().toLowerCase()];
  const out: string[] = [];
  for (const host of candidates) {
    if (host === "" || out.includes(host)) continue;
    if (parseHosts([host]).errors.length > 0) continue;
    out.push(host);
  }
  return out;
}

/**
 * Generate and write a cert/key pair. Creates parent directories. If either file exists and
 * `force` is not set, nothing is written and `written` is false.
 */
export async function writeCertFiles(
  certPath: string,
  keyPath: string,
  hosts: string[],
  opts: { force?: boolean } = {},
): Promise<{ written: boolean }> {
  if (!opts.force && ((await exists(certPath)) || (await exists(keyPath)))) return { written: false };
  const { certPem, keyPem } = generateSelfSigned({ hosts });
  await writeAtomically(keyPath, keyPem, 0o600);
  await writeAtomically(certPath, certPem, 0o644);
  return { written: true };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Write beside the target with the final mode from the start, then rename over it. */
async function writeAtomically(path: string, contents: string, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temp, contents, { mode, flag: "wx" });
    await chmod(temp, mode); // the umask may have taken bits away from 0644
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** What a person wants to see about a cert: who, until when, for which names. */
export function certInfo(certPem: string): { subject: string; notAfter: Date; hosts: string[] } {
  const cert = new X509Certificate(certPem);
  return {
    subject: cert.subject.split("\n").join(", "),
    notAfter: new Date(cert.validTo),
    hosts: sanHosts(cert.subjectAltName ?? ""),
  };
}

/** "DNS:a, IP Address:0:0:0:0:0:0:0:1" -> ["a", "::1"] (IPv6 in its short form). */
function sanHosts(san: string): string[] {
  const hosts: string[] = [];
  for (const part of san.split(", ")) {
    const colon = part.indexOf(":");
    if (colon < 0) continue;
    const kind = part.slice(0, colon);
    const value = part.slice(colon + 1);
    if (kind === "DNS") hosts.push(value);
    else if (kind === "IP Address") hosts.push(value.includes(":") ? shortIPv6(value) : value);
  }
  return hosts;
}

function shortIPv6(text: string): string {
  try {
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return text;
  }
}

/** How to make clients trust `certPath`, as lines to print after generating it. */
export function trustHint(certPath: string): string {
  const abs = shellQuote(resolve(certPath));
  return [
    `sluice uses a self-signed certificate: ${abs}`,
    "Trust it in your clients:",
    `  Node/Bun (Anthropic/OpenAI SDKs, Claude Code):  export NODE_EXTRA_CA_CERTS=${abs}`,
    `  curl:                                           curl --cacert ${abs} https://...`,
    `  Debian/Ubuntu system store:  sudo cp ${abs} /usr/local/share/ca-certificates/sluice.crt && sudo update-ca-certificates`,
    `  macOS keychain:              sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${abs}`,
  ].join("\n");
}

/** Quote a path for copy-pasting into a POSIX shell, only when it needs it. */
function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
