// Owns the replacement text for secrets and the vault that maps pseudonyms back to values.
//
// Pseudonym format: `SLUICE_<KIND>_<H>` where KIND is the detector id upper-cased (e.g.
// GITHUB_TOKEN) and H is the first 50 bits of HMAC-SHA256(key, value) as 10 RFC 4648 base32
// characters. Why this shape:
// - only [A-Z0-9_]: a model copies it verbatim, it needs no escaping in JSON, shell, URLs or
//   Markdown, and JSON-escaped text (partial_json, tool arguments) never splits it differently;
// - keyed HMAC: the same value gets the same pseudonym in every request and across restarts with
//   the same key (prompt-cache prefixes survive), but the pseudonym reveals nothing without it;
// - 50 bits: collisions inside a vault of thousands of entries are negligible, and restore only
//   replaces text that is a key of this process's vault, so look-alike text is left alone.
// Redaction format: `[REDACTED:<kind>]`, one-way.

import { createHmac } from "node:crypto";
import { DETECTORS } from "./detectors.ts";

export const PLACEHOLDER_PREFIX = "SLUICE_";
const HASH_CHARS = 10;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(bytes: Uint8Array, chars: number): string {
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = ((acc << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      bits -= 5;
      out += BASE32[(acc >> bits) & 31];
    }
    if (out.length >= chars) break;
  }
  return out;
}

export function pseudonym(key: Uint8Array, kind: string, value: string): string {
  const digest = createHmac("sha256", key).update(value, "utf8").digest();
  return `${PLACEHOLDER_PREFIX}${kind.toUpperCase()}_${base32(digest, HASH_CHARS)}`;
}

/**
 * `pseudonym` bound to one key, for many values: the keyed hasher is set up once and copied per
 * value (the same HMAC-SHA256, about five times cheaper than a fresh createHmac each time).
 */
export function pseudonymizer(key: Uint8Array): (kind: string, value: string) => string {
  const keyed = new Bun.CryptoHasher("sha256", key);
  const prefixes = new Map<string, string>();
  return (kind, value) => {
    let prefix = prefixes.get(kind);
    if (prefix === undefined) {
      prefix = `${PLACEHOLDER_PREFIX}${kind.toUpperCase()}_`;
      prefixes.set(kind, prefix);
    }
    return prefix + base32(keyed.copy().update(value).digest(), HASH_CHARS);
  };
}

export function redactionMarker(kind: string): string {
  return `[REDACTED:${kind}]`;
}

/** Recognises pseudonyms, whole or begun, for every detector kind. */
export interface PlaceholderGrammar {
  /** Finds complete pseudonyms (flags "g"). */
  readonly pattern: RegExp;
  /** Finds pseudonyms and redaction markers already in a text, so they are never re-scrubbed. */
  readonly existing: RegExp;
  /** Length of the longest pseudonym. */
  readonly maxLength: number;
  /** True when `text` is a proper prefix of some pseudonym (it could still become one). */
  couldBegin(text: string): boolean;
}

export function createGrammar(kinds: readonly string[]): PlaceholderGrammar {
  const upper = [...new Set(kinds.map((k) => `${k.toUpperCase()}_`))].sort((a, b) => b.length - a.length);
  const alternation = upper.map((k) => k.slice(0, -1)).join("|");
  const hash = `[A-Z2-7]{${HASH_CHARS}}`;
  const prefixLength = PLACEHOLDER_PREFIX.length;
  const maxLength = prefixLength + Math.max(...upper.map((k) => k.length)) + HASH_CHARS;
  return {
    pattern: new RegExp(`${PLACEHOLDER_PREFIX}(?:${alternation})_${hash}`, "g"),
    existing: new RegExp(
      `${PLACEHOLDER_PREFIX}(?:${alternation})_${hash}|\\[REDACTED:[a-z0-9_]{1,40}\\]`,
      "g",
    ),
    maxLength,
    couldBegin(text: string): boolean {
      if (text.length <= prefixLength) return PLACEHOLDER_PREFIX.startsWith(text);
      if (!text.startsWith(PLACEHOLDER_PREFIX) || text.length >= maxLength) return false;
      const rest = text.slice(prefixLength);
      for (const kind of upper) {
        if (rest.length <= kind.length) {
          if (kind.startsWith(rest)) return true;
        } else if (rest.startsWith(kind)) {
          const h = rest.slice(kind.length);
          if (h.length < HASH_CHARS && /^[A-Z2-7]*$/.test(h)) return true;
        }
      }
      return false;
    },
  };
}

export const GRAMMAR: PlaceholderGrammar = createGrammar(DETECTORS.map((d) => d.id));

/**
 * Bounded, least-recently-used-first map of pseudonym -> original value. Two generations of half
 * the size each: entries live in the young one, a full young one becomes the old one (the former
 * old one is dropped), and a hit in the old one moves back to the young one. O(1) per operation:
 * a Map used as an LRU (delete + re-insert, evict the first key) degrades to quadratic time in
 * JavaScriptCore once it holds many deleted slots (500,000 puts took 4 s).
 */
export class Vault {
  readonly #generation: number;
  #young = new Map<string, string>();
  #old = new Map<string, string>();

  constructor(max: number) {
    this.#generation = Math.max(1, Math.floor(max / 2));
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }

  put(placeholder: string, value: string): void {
    this.#old.delete(placeholder);
    this.#young.set(placeholder, value);
    if (this.#young.size >= this.#generation) {
      this.#old = this.#young;
      this.#young = new Map();
    }
  }

  get(placeholder: string): string | undefined {
    const young = this.#young.get(placeholder);
    if (young !== undefined) return young;
    const old = this.#old.get(placeholder);
    if (old !== undefined) this.put(placeholder, old);
    return old;
  }
}
