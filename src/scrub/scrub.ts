// Owns the scrubber: turning request bodies into bodies without secrets, and the matching restore
// for responses. Pure apart from its own memory (the vault of pseudonyms). Promises:
// - only JSON string values are scanned, by the rule in json-walk.ts; the output re-parses;
// - a body is re-serialized only when something changed, otherwise forwarded byte for byte;
// - scrubbing twice changes nothing; the same value gets the same pseudonym for the same key;
// - hits are counted per detector id, never with the values;
// - values restored into responses are remembered (bounded) and scrubbed again wherever they come
//   back, even where no detector would see them (e.g. a password moved out of its URL).

import { DETECTORS, type Detector } from "./detectors.ts";
import { createJsonArrayRestoreTransform } from "./json-array-restore.ts";
import { type JsonValue, mapContentStrings } from "./json-walk.ts";
import { GRAMMAR, PLACEHOLDER_PREFIX, pseudonym, redactionMarker, Vault } from "./placeholder.ts";
import {
  createStreamRestorer,
  restoreJsonBody,
  restoreJsonValue,
  restoreText,
  type StreamRestorer,
} from "./restore.ts";
import {
  applyHits,
  compileDetectors,
  detectorsWithAnchors,
  findHits,
  type Haystack,
  haystack,
  type Literal,
} from "./scan.ts";
import { createSseRestoreTransform, type SseApi } from "./sse-restore.ts";

export type { StreamRestorer } from "./restore.ts";
export type { SseApi } from "./sse-restore.ts";

export type ScrubMode = "redact" | "pseudonymize";

export interface ScrubberConfig {
  mode: ScrubMode;
  /** HMAC key for pseudonyms; keep it stable to keep pseudonyms (and prompt caches) stable. */
  hmacKey: Uint8Array;
  /** Most pseudonyms remembered for restore (LRU). Default 4096. */
  vaultSize?: number;
  /** Detector ids to run (default: all of DETECTORS). */
  detectors?: readonly string[];
}

export interface ScrubOutcome {
  text: string;
  changed: boolean;
  /** Secrets replaced, per detector id. */
  hits: Record<string, number>;
}

export type ScrubResult = ScrubOutcome | { error: string };

export interface Scrubber {
  readonly mode: ScrubMode;
  /** Scrubs a JSON request body. `{ error }` when it is not JSON (and could hold a secret). */
  scrubBody(text: string): ScrubResult;
  /** Scrubs plain text (a non-JSON body), the whole text being content. */
  scrubText(text: string): ScrubOutcome;
  /** Puts real values back for every pseudonym in `text` (identity in redact mode). */
  restoreText(text: string): string;
  /** Restores a non-streamed JSON response body; the same text when nothing changed. */
  restoreJsonBody(text: string): string;
  /** A restorer for one channel of streamed text; `json` for JSON text such as partial_json. */
  createStreamRestorer(options?: { json?: boolean }): StreamRestorer;
  /** Restores pseudonyms in an SSE response stream of the given API (pass-through in redact mode). */
  sseRestoreTransform(api: SseApi): TransformStream<Uint8Array, Uint8Array>;
  /** Restores pseudonyms in Gemini's streamed JSON array (no alt=sse), element by element. */
  jsonArrayRestoreTransform(): TransformStream<Uint8Array, Uint8Array>;
}

export const DETECTOR_IDS: readonly string[] = [...new Set(DETECTORS.map((d) => d.id))];

const DEFAULT_VAULT_SIZE = 4096;
/** Values restored into responses that are searched for again in requests. */
const MAX_RESTORED_LITERALS = 64;
/**
 * Rounds over one string in redact mode. A marker starts with "[" and ends with "]", so it can
 * turn a word boundary into a non-word one and let a neighbour match on a second look; repeat
 * until stable. A pseudonym starts and ends with word characters, which only ever block more
 * boundaries, so pseudonymize needs one round.
 */
const MAX_REDACT_ROUNDS = 4;

function selectDetectors(ids: readonly string[] | undefined): readonly Detector[] {
  if (ids === undefined) return DETECTORS;
  const unknown = ids.filter((id) => !DETECTOR_IDS.includes(id));
  if (unknown.length > 0) throw new Error(`unknown scrub detectors: ${unknown.join(", ")}`);
  return DETECTORS.filter((d) => ids.includes(d.id));
}

function kindOf(placeholder: string): string {
  return placeholder.slice(PLACEHOLDER_PREFIX.length, placeholder.lastIndexOf("_")).toLowerCase();
}

export function createScrubber(cfg: ScrubberConfig): Scrubber {
  const detectors = compileDetectors(selectDetectors(cfg.detectors));
  const vaultSize = cfg.vaultSize ?? DEFAULT_VAULT_SIZE;
  const vault = new Vault(vaultSize);
  const made = new Vault(vaultSize); // value -> pseudonym, saves recomputing the HMAC
  const restored = new Map<string, string>(); // value -> kind, in least-recently-restored order
  const key = cfg.hmacKey;
  const pseudonymize = cfg.mode === "pseudonymize";

  /** A pseudonym for `secret`, remembered in the vault so restore can find the value. */
  const pseudonymFor = (secret: string, kind: string): string => {
    const memoKey = `${kind}\u0000${secret}`;
    let placeholder = made.get(memoKey);
    if (placeholder === undefined) {
      placeholder = pseudonym(key, kind, secret);
      made.put(memoKey, placeholder);
    }
    vault.put(placeholder, secret);
    return placeholder;
  };

  const lookup = (placeholder: string): string | undefined => {
    const value = vault.get(placeholder);
    if (value !== undefined) {
      restored.delete(value);
      restored.set(value, kindOf(placeholder));
      if (restored.size > MAX_RESTORED_LITERALS) {
        const oldest = restored.keys().next();
        if (!oldest.done) restored.delete(oldest.value);
      }
    }
    return value;
  };

  /** Restored values that occur in the text (in their JSON-escaped spelling when `rawJson`). */
  const literalsIn = (hay: Haystack, rawJson: boolean): Literal[] => {
    const out: Literal[] = [];
    for (const [value, kind] of restored) {
      // Non-ASCII may be \u-escaped by the client's encoder: do not trust a raw search then.
      const spelled = rawJson ? JSON.stringify(value).slice(1, -1) : value;
      if (hay.hidesAscii || hay.includes(spelled) || /[\u0080-\uffff]/.test(value)) out.push({ value, kind });
    }
    return out;
  };

  /** One scrub call: detectors and literals worth running, hits so far, replacements made. */
  interface Pass {
    active: readonly number[];
    literals: readonly Literal[];
    hits: Record<string, number>;
    replaced: Map<string, string>;
  }

  const replaceIn =
    (pass: Pass) =>
    (secret: string, kind: string): string => {
      if (!pseudonymize) return redactionMarker(kind);
      const memoKey = `${kind}\u0000${secret}`;
      let out = pass.replaced.get(memoKey);
      if (out === undefined) {
        out = pseudonymFor(secret, kind);
        pass.replaced.set(memoKey, out);
      }
      return out;
    };

  const scrubString = (s: string, pass: Pass): string => {
    let current = s;
    const replace = replaceIn(pass);
    const rounds = pseudonymize ? 1 : MAX_REDACT_ROUNDS;
    for (let round = 0; round < rounds; round++) {
      const found = findHits(current, detectors, pass.active, pass.literals, GRAMMAR);
      if (found.length === 0) break;
      for (const hit of found) pass.hits[hit.kind] = (pass.hits[hit.kind] ?? 0) + 1;
      current = applyHits(current, found, replace);
    }
    return current;
  };

  const startPass = (text: string, rawJson: boolean): Pass => {
    const hay = haystack(text, rawJson);
    return {
      active: detectorsWithAnchors(hay, detectors),
      literals: literalsIn(hay, rawJson),
      hits: {},
      replaced: new Map(),
    };
  };

  const scrubText = (text: string): ScrubOutcome => {
    const pass = startPass(text, false);
    const idle = pass.active.length === 0 && pass.literals.length === 0;
    const out = idle ? text : scrubString(text, pass);
    return { text: out, changed: out !== text, hits: pass.hits };
  };

  const scrubBody = (text: string): ScrubResult => {
    const pass = startPass(text, true);
    // Nothing could match anywhere: skip parsing; the body goes out byte for byte.
    if (pass.active.length === 0 && pass.literals.length === 0) return { text, changed: false, hits: {} };
    let parsed: JsonValue;
    try {
      parsed = JSON.parse(text) as JsonValue;
    } catch {
      return { error: "request body is not valid JSON" };
    }
    const scrubbed = mapContentStrings(parsed, (s) => scrubString(s, pass));
    if (scrubbed === parsed) return { text, changed: false, hits: {} };
    return { text: JSON.stringify(scrubbed), changed: true, hits: pass.hits };
  };

  const restoreKit = {
    text: (text: string, json?: boolean) => restoreText(text, GRAMMAR, lookup, json),
    json: (value: JsonValue) => restoreJsonValue(value, GRAMMAR, lookup),
    stream: (json: boolean) => createStreamRestorer(GRAMMAR, lookup, json),
  };

  return {
    mode: cfg.mode,
    scrubBody,
    scrubText,
    restoreText: (text) => (pseudonymize ? restoreText(text, GRAMMAR, lookup) : text),
    restoreJsonBody: (text) => (pseudonymize ? restoreJsonBody(text, GRAMMAR, lookup) : text),
    createStreamRestorer: (options) =>
      pseudonymize
        ? createStreamRestorer(GRAMMAR, lookup, options?.json ?? false)
        : { push: (t: string) => t, end: () => "", holding: false },
    sseRestoreTransform: (api) =>
      pseudonymize
        ? createSseRestoreTransform(api, restoreKit)
        : new TransformStream<Uint8Array, Uint8Array>(),
    jsonArrayRestoreTransform: () =>
      pseudonymize
        ? createJsonArrayRestoreTransform(restoreKit, (text) => restoreJsonBody(text, GRAMMAR, lookup))
        : new TransformStream<Uint8Array, Uint8Array>(),
  };
}
