// Owns one scrub of one text: JSON bodies edited by spans (src/json), plain text rewritten
// where secrets are. Pure and stateless apart from a memo of pseudonyms it computed, so the same
// engine runs on the main thread and in scrub workers (src/scrub/pool.ts); the vault of values to
// restore lives with the caller, who receives every pseudonym minted here. Promises:
// - only content strings (json-walk.ts) of a JSON body are scanned, every copy of a duplicated
//   key included; only those strings change; numbers, layout and escapes elsewhere stay as sent;
// - a text with nothing to replace comes back as the very same string;
// - at most `maxHits` secrets are replaced per call: beyond that the call answers `tooManyHits`
//   (sluice refuses the request) instead of spending unbounded time;
// - the same value gets the same pseudonym for the same key; hits are counted per detector id.

import { applySplices, replaceString, type Splice } from "../json/edit.ts";
import { parseTree } from "../json/tree.ts";
import { DETECTORS, type Detector } from "./detectors.ts";
import { forEachContentString } from "./json-walk.ts";
import { GRAMMAR, pseudonymizer, redactionMarker } from "./placeholder.ts";
import {
  applyHits,
  type CompiledDetector,
  compileDetectors,
  detectorsWithAnchors,
  findHits,
  haystack,
  type Literal,
  type ScanMeter,
} from "./scan.ts";

export type ScrubMode = "redact" | "pseudonymize";

export interface EngineConfig {
  mode: ScrubMode;
  /** HMAC key for pseudonyms; keep it stable to keep pseudonyms (and prompt caches) stable. */
  hmacKey: Uint8Array;
  /** Detector ids to run (default: all of DETECTORS). */
  detectors?: readonly string[];
}

export interface ScrubOptions {
  /** Values restored into earlier answers, searched for again (see scrub.ts). */
  literals?: readonly Literal[];
  /** Most secrets replaced in one call; more is `tooManyHits`. */
  maxHits?: number;
  /** Counts the scanner's steps (tests). */
  meter?: ScanMeter;
}

export interface Scrubbed {
  text: string;
  changed: boolean;
  /** Secrets replaced, per detector id. */
  hits: Record<string, number>;
  /** Pseudonym -> real value, for every pseudonym this call put in (empty in redact mode). */
  minted: Map<string, string>;
}

export type JsonScrub = Scrubbed | { error: string; tooDeep: boolean } | { tooManyHits: number };

export const DETECTOR_IDS: readonly string[] = [...new Set(DETECTORS.map((d) => d.id))];

/**
 * Rounds over one string in redact mode. A marker starts with "[" and ends with "]", so it can
 * turn a word boundary into a non-word one and let a neighbour match on a second look; repeat
 * until stable. A pseudonym starts and ends with word characters, which only ever block more
 * boundaries, so pseudonymize needs one round.
 */
const MAX_REDACT_ROUNDS = 4;
/** Pseudonyms remembered per engine so a repeated value costs no HMAC (cleared when full). */
const MEMO_SIZE = 8192;

class TooManyHits extends Error {
  constructor(readonly hits: number) {
    super("too many hits");
  }
}

export interface Engine {
  readonly mode: ScrubMode;
  /** Scrubs a JSON text; `error` when it is not JSON. */
  scrubJson(text: string, opts?: ScrubOptions): JsonScrub;
  /** Scrubs plain text, the whole text being content. */
  scrubText(text: string, opts?: ScrubOptions): Scrubbed | { tooManyHits: number };
}

export function selectDetectors(ids: readonly string[] | undefined): readonly Detector[] {
  if (ids === undefined) return DETECTORS;
  const unknown = ids.filter((id) => !DETECTOR_IDS.includes(id));
  if (unknown.length > 0) throw new Error(`unknown scrub detectors: ${unknown.join(", ")}`);
  return DETECTORS.filter((d) => ids.includes(d.id));
}

/** One call: detectors and literals worth running, hits so far, pseudonyms minted. */
interface Pass {
  active: readonly number[];
  literals: readonly Literal[];
  hits: Record<string, number>;
  total: number;
  maxHits: number;
  minted: Map<string, string>;
  meter: ScanMeter | undefined;
}

export function createEngine(cfg: EngineConfig): Engine {
  const detectors: CompiledDetector[] = compileDetectors(selectDetectors(cfg.detectors));
  const pseudonymize = cfg.mode === "pseudonymize";
  const pseudonym = pseudonymizer(cfg.hmacKey);
  // value -> pseudonym per kind; dropped whole when full (an LRU costs more than it saves here).
  const memo = new Map<string, Map<string, string>>();
  let memoSize = 0;

  const replaceIn =
    (pass: Pass) =>
    (secret: string, kind: string): string => {
      if (!pseudonymize) return redactionMarker(kind);
      let ofKind = memo.get(kind);
      if (ofKind === undefined) {
        ofKind = new Map();
        memo.set(kind, ofKind);
      }
      let out = ofKind.get(secret);
      if (out === undefined) {
        out = pseudonym(kind, secret);
        if (++memoSize > MEMO_SIZE) {
          memo.clear();
          memoSize = 1;
          ofKind = new Map();
          memo.set(kind, ofKind);
        }
        ofKind.set(secret, out);
      }
      pass.minted.set(out, secret);
      return out;
    };

  const scrubString = (s: string, pass: Pass): string => {
    let current = s;
    const replace = replaceIn(pass);
    const rounds = pseudonymize ? 1 : MAX_REDACT_ROUNDS;
    for (let round = 0; round < rounds; round++) {
      const found = findHits(current, detectors, pass.active, pass.literals, GRAMMAR, pass.meter);
      if (found.length === 0) break;
      pass.total += found.length;
      if (pass.total > pass.maxHits) throw new TooManyHits(pass.total);
      for (const hit of found) pass.hits[hit.kind] = (pass.hits[hit.kind] ?? 0) + 1;
      current = applyHits(current, found, replace);
    }
    return current;
  };

  const startPass = (text: string, rawJson: boolean, opts: ScrubOptions): Pass => {
    const hay = haystack(text, rawJson);
    const literals = (opts.literals ?? []).filter((lit) => {
      // Non-ASCII may be \u-escaped by the client's encoder: do not trust a raw search then.
      const spelled = rawJson ? JSON.stringify(lit.value).slice(1, -1) : lit.value;
      return hay.hidesAscii || hay.includes(spelled) || /[\u0080-\uffff]/.test(lit.value);
    });
    return {
      active: detectorsWithAnchors(hay, detectors),
      literals,
      hits: {},
      total: 0,
      maxHits: opts.maxHits ?? Number.POSITIVE_INFINITY,
      minted: new Map(),
      meter: opts.meter,
    };
  };

  const idle = (pass: Pass) => pass.active.length === 0 && pass.literals.length === 0;
  const same = (text: string): Scrubbed => ({ text, changed: false, hits: {}, minted: new Map() });

  return {
    mode: cfg.mode,
    scrubText(text, opts = {}) {
      const pass = startPass(text, false, opts);
      if (idle(pass)) return same(text);
      try {
        const out = scrubString(text, pass);
        return { text: out, changed: out !== text, hits: pass.hits, minted: pass.minted };
      } catch (err) {
        if (err instanceof TooManyHits) return { tooManyHits: err.hits };
        throw err;
      }
    },
    scrubJson(text, opts = {}) {
      const pass = startPass(text, true, opts);
      // Nothing could match anywhere (as JSON or as text): skip parsing, the body goes out as it is.
      if (idle(pass)) return same(text);
      const tree = parseTree(text);
      if (!tree.ok) return { error: tree.error, tooDeep: tree.tooDeep };
      const splices: Splice[] = [];
      try {
        forEachContentString(tree.root, (node) => {
          const out = scrubString(node.value, pass);
          if (out !== node.value) splices.push(replaceString(node, out));
        });
      } catch (err) {
        if (err instanceof TooManyHits) return { tooManyHits: err.hits };
        throw err;
      }
      if (splices.length === 0) return same(text);
      return { text: applySplices(text, splices), changed: true, hits: pass.hits, minted: pass.minted };
    },
  };
}
