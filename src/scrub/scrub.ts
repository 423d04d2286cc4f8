// Owns the scrubber of one vault: turning request bodies into bodies without secrets (through the
// pure engine, here or in a worker) and the matching restore for responses. Its memory is the
// vault of pseudonyms and the values it restored lately. Promises:
// - only JSON string values are scanned, by the rule in json-walk.ts; the output re-parses;
// - a body is rewritten only where something changed, otherwise forwarded byte for byte;
// - scrubbing twice changes nothing; the same value gets the same pseudonym for the same key;
// - hits are counted per detector id, never with the values;
// - a restorer can be narrowed to the pseudonyms one request minted, so an answer only ever gets
//   back values its own request sent (restore isolation between clients that share a vault);
// - values restored into responses are remembered (bounded) and scrubbed again wherever they come
//   back, even where no detector would see them (e.g. a password moved out of its URL).

import { createEngine, DETECTOR_IDS, type Engine, type ScrubMode } from "./engine.ts";
import { createJsonArrayRestoreTransform } from "./json-array-restore.ts";
import { type MintedLookup, mintedFromMap } from "./minted-index.ts";
import { type PayloadResult, scrubPayload } from "./payload.ts";
import { GRAMMAR, PLACEHOLDER_PREFIX, Vault } from "./placeholder.ts";
import {
  createStreamRestorer,
  type Lookup,
  restoreJsonBody,
  restoreJsonValue,
  restoreText,
  type StreamRestorer,
} from "./restore.ts";
import type { Literal } from "./scan.ts";
import { createSseRestoreTransform, type SseApi } from "./sse-restore.ts";

export type { ScrubMode } from "./engine.ts";
export type { StreamRestorer } from "./restore.ts";
export type { SseApi } from "./sse-restore.ts";
export { DETECTOR_IDS };

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

/** Puts real values back into one answer. */
export interface Restorer {
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

export interface Scrubber extends Restorer {
  readonly mode: ScrubMode;
  /** Scrubs a JSON request body. `{ error }` when it is not JSON (and could hold a secret). */
  scrubBody(text: string): ScrubResult;
  /** Scrubs plain text (a non-JSON body), the whole text being content. */
  scrubText(text: string): ScrubOutcome;
  /**
   * Scrubs a whole request body as its bytes say it is (payload.ts), here on this thread. What it
   * minted is not put in the vault: the caller remembers it when the vault will restore it.
   */
  scrubPayload(body: Uint8Array, contentType: string | null, maxHits?: number): PayloadResult;
  /** Restored values to search for again; what a worker needs besides the body. */
  literals(): Literal[];
  /** Records minted pseudonyms in this vault (at most as many as it holds; more would be evicted). */
  remember(minted: MintedLookup): void;
  /**
   * A restorer that knows only `minted` (the pseudonyms of one request), or, with `vault`, also
   * everything this vault remembers (a gated client's own vault).
   */
  restorerFor(minted: MintedLookup, opts?: { vault?: boolean }): Restorer;
}

export type { MintedLookup } from "./minted-index.ts";

const DEFAULT_VAULT_SIZE = 4096;
/** Values restored into responses that are searched for again in requests. */
const MAX_RESTORED_LITERALS = 64;

function kindOf(placeholder: string): string {
  return placeholder.slice(PLACEHOLDER_PREFIX.length, placeholder.lastIndexOf("_")).toLowerCase();
}

const IDENTITY_STREAM: StreamRestorer = { push: (t: string) => t, end: () => "", holding: false };

/** The restore operations over one lookup (identity in redact mode). */
function restorerOver(lookup: Lookup, pseudonymize: boolean): Restorer {
  const kit = {
    text: (text: string, json?: boolean) => restoreText(text, GRAMMAR, lookup, json),
    json: (value: Parameters<typeof restoreJsonValue>[0]) => restoreJsonValue(value, GRAMMAR, lookup),
    stream: (json: boolean) => createStreamRestorer(GRAMMAR, lookup, json),
  };
  const whole = (text: string) => restoreJsonBody(text, GRAMMAR, lookup);
  if (!pseudonymize) {
    return {
      restoreText: (t) => t,
      restoreJsonBody: (t) => t,
      createStreamRestorer: () => IDENTITY_STREAM,
      sseRestoreTransform: () => new TransformStream<Uint8Array, Uint8Array>(),
      jsonArrayRestoreTransform: () => new TransformStream<Uint8Array, Uint8Array>(),
    };
  }
  return {
    restoreText: (text) => restoreText(text, GRAMMAR, lookup),
    restoreJsonBody: whole,
    createStreamRestorer: (options) => createStreamRestorer(GRAMMAR, lookup, options?.json ?? false),
    sseRestoreTransform: (api) => createSseRestoreTransform(api, kit),
    jsonArrayRestoreTransform: () => createJsonArrayRestoreTransform(kit, whole),
  };
}

export function createScrubber(cfg: ScrubberConfig): Scrubber {
  const engine: Engine = createEngine(cfg);
  const vault = new Vault(cfg.vaultSize ?? DEFAULT_VAULT_SIZE);

  const restored = new Map<string, string>(); // value -> kind, in least-recently-restored order
  const pseudonymize = cfg.mode === "pseudonymize";

  /** Notes a value that went back into an answer, so later requests scrub it wherever it is. */
  const noteRestored = (placeholder: string, value: string) => {
    restored.delete(value);
    restored.set(value, kindOf(placeholder));
    if (restored.size > MAX_RESTORED_LITERALS) {
      const oldest = restored.keys().next();
      if (!oldest.done) restored.delete(oldest.value);
    }
  };
  const lookupIn =
    (minted: MintedLookup | undefined, useVault: boolean): Lookup =>
    (placeholder) => {
      const value = minted?.get(placeholder) ?? (useVault ? vault.get(placeholder) : undefined);
      if (value !== undefined) noteRestored(placeholder, value);
      return value;
    };
  const literals = (): Literal[] => [...restored].map(([value, kind]) => ({ value, kind }));
  const vaultSize = cfg.vaultSize ?? DEFAULT_VAULT_SIZE;
  const remember = (minted: MintedLookup) => {
    for (const [p, v] of minted.entries(vaultSize)) vault.put(p, v);
  };
  const whole = restorerOver(lookupIn(undefined, true), pseudonymize);

  return {
    mode: cfg.mode,
    ...whole,
    scrubBody(text) {
      const r = engine.scrubJson(text, { literals: literals() });
      if ("error" in r) return { error: "request body is not valid JSON" };
      if ("tooManyHits" in r) return { error: "too many secrets" };
      remember(mintedFromMap(r.minted));
      return { text: r.text, changed: r.changed, hits: r.hits };
    },
    scrubText(text) {
      const r = engine.scrubText(text, { literals: literals() });
      if ("tooManyHits" in r) return { text, changed: false, hits: {} };
      remember(mintedFromMap(r.minted));
      return { text: r.text, changed: r.changed, hits: r.hits };
    },
    scrubPayload: (body, contentType, maxHits) =>
      scrubPayload(engine, body, contentType, {
        literals: literals(),
        ...(maxHits !== undefined ? { maxHits } : {}),
      }),
    literals,
    remember,
    restorerFor: (minted, opts) => restorerOver(lookupIn(minted, opts?.vault === true), pseudonymize),
  };
}
