// The internal key gate: SLUICE_API_KEYS and the [[keys]] table (which may hold only the
// key's SHA-256 digest). Keys are compared as SHA-256 digests with
// timingSafeEqual, so neither content nor length leaks through timing, and every
// configured key is compared on every attempt (no early exit).
import { createHash, timingSafeEqual } from "node:crypto";

export interface KeyGate {
  /** False when no keys are configured: every request passes. */
  enabled: boolean;
  /** The matching key's name, or undefined when the request carries no valid key. */
  check(headers: Headers, query: string): string | undefined;
}

const digest = (s: string): Buffer => createHash("sha256").update(s).digest();

/** Every credential a client may present, in the header styles the SDKs use (and x-sluice-key). */
export function presentedKeys(headers: Headers, query: string): string[] {
  const keys: string[] = [];
  const own = headers.get("x-sluice-key");
  if (own) keys.push(own.trim());
  const auth = headers.get("authorization");
  if (auth && /^bearer\s+/i.test(auth)) keys.push(auth.replace(/^bearer\s+/i, "").trim());
  const xApi = headers.get("x-api-key");
  if (xApi) keys.push(xApi.trim());
  const goog = headers.get("x-goog-api-key");
  if (goog) keys.push(goog.trim());
  if (query.includes("key=")) {
    const k = new URLSearchParams(query).get("key");
    if (k) keys.push(k);
  }
  return keys;
}

/** A client key by name: the key itself, or the hex SHA-256 digest of it. */
export type GateKey = { name: string; key: string } | { name: string; sha256: string };

export function createKeyGate(keys: GateKey[]): KeyGate {
  const table = keys.map((k) => ({
    name: k.name,
    digest: "key" in k ? digest(k.key) : Buffer.from(k.sha256, "hex"),
  }));
  return {
    enabled: table.length > 0,
    check(headers, query) {
      let match: string | undefined;
      for (const presented of presentedKeys(headers, query)) {
        const d = digest(presented);
        for (const entry of table) {
          if (timingSafeEqual(d, entry.digest) && match === undefined) match = entry.name;
        }
      }
      return match;
    },
  };
}

/** One-off constant-time comparison (admin key). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}
