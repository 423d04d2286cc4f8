// Owns finding secrets in one string: the anchor prefilter, running the detectors, resolving
// overlaps by priority, and rewriting the string. Pure; promises that text already holding a
// pseudonym or redaction marker is never matched again, and that the cost is linear in the input
// (each detector is linear, only detectors whose anchors occur are run, and overlap checks touch
// each character at most once per detector).

import type { Detector } from "./detectors.ts";
import type { PlaceholderGrammar } from "./placeholder.ts";

/** A detector with its own global regex (flag "d" only when it needs group offsets). */
export interface CompiledDetector {
  readonly detector: Detector;
  readonly re: RegExp;
}

/** A value this process put back into a response; found again by exact text, with priority. */
export interface Literal {
  readonly value: string;
  readonly kind: string;
}

/**
 * Counts the scanner's own steps (regex calls, literal searches, mask characters touched), so a
 * test can check that doubling the input doubles the work without timing anything.
 */
export interface ScanMeter {
  steps: number;
}

export interface Hit {
  readonly start: number;
  readonly end: number;
  readonly kind: string;
  /** Lower wins an overlap: literals first, then detectors in their listed order. */
  readonly rank: number;
}

export function compileDetectors(detectors: readonly Detector[]): CompiledDetector[] {
  return detectors.map((d) => ({
    detector: d,
    re: new RegExp(d.pattern.source, d.group === undefined ? "g" : "gd"),
  }));
}

/** True when the backslash at `at` is itself escaped (an odd run of backslashes before it). */
function escapedBackslash(raw: string, at: number): boolean {
  let run = 0;
  while (at - run - 1 >= 0 && raw.charCodeAt(at - run - 1) === 92) run++;
  return run % 2 === 1;
}

/**
 * True when raw JSON text spells some ASCII character as an escape (\u0020-\u007f, or "/" as
 * "\/"), which could hide an anchor from a search of the raw text.
 */
export function mayHideAscii(raw: string): boolean {
  for (let at = raw.indexOf("\\/"); at !== -1; at = raw.indexOf("\\/", at + 2)) {
    if (!escapedBackslash(raw, at)) return true;
  }
  for (let at = raw.indexOf("\\u00"); at !== -1; at = raw.indexOf("\\u00", at + 4)) {
    if (/^[2-7][0-9a-fA-F]/.test(raw.slice(at + 4, at + 6)) && !escapedBackslash(raw, at)) return true;
  }
  return false;
}

/** Above this length a text is searched in its UTF-8 bytes (memmem), several times faster. */
const BYTE_SEARCH_FROM = 4096;

/** A text prepared for many substring searches (anchors, restored values). */
export interface Haystack {
  includes(needle: string): boolean;
  /** Raw JSON that spells ASCII as escapes: a search may miss what parsing would reveal. */
  readonly hidesAscii: boolean;
}

/**
 * Prepares `text` for searching. UTF-8 is self-synchronising (a needle's bytes can only match
 * at character boundaries), so the byte search finds exactly what the string search would.
 */
export function haystack(text: string, rawJson: boolean): Haystack {
  const bytes = text.length >= BYTE_SEARCH_FROM ? Buffer.from(text) : undefined;
  return {
    includes: (needle) => (bytes === undefined ? text.includes(needle) : bytes.includes(needle)),
    hidesAscii: rawJson && mayHideAscii(text),
  };
}

/** Indices of the detectors whose anchors occur in the text (all of them when it hides ASCII). */
export function detectorsWithAnchors(hay: Haystack, detectors: readonly CompiledDetector[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < detectors.length; i++) {
    if (hay.hidesAscii || detectors[i]!.detector.anchors.some((a) => hay.includes(a))) out.push(i);
  }
  return out;
}

function isWord(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95
  );
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** A literal counts only as a whole token, the same way detectors treat their matches. */
function literalBounded(s: string, start: number, end: number): boolean {
  const before = start > 0 && isWord(s.charCodeAt(start - 1)) && isWord(s.charCodeAt(start));
  const escapedBreak = start > 1 && s.charCodeAt(start - 2) === 92;
  const after = end < s.length && isWord(s.charCodeAt(end)) && isWord(s.charCodeAt(end - 1));
  return (!before || escapedBreak) && !after;
}

function pushLiteralHits(s: string, literals: readonly Literal[], hits: Hit[], meter?: ScanMeter): void {
  for (const lit of literals) {
    let at = s.indexOf(lit.value);
    while (at !== -1) {
      if (meter) meter.steps++;
      const end = at + lit.value.length;
      const bounded = literalBounded(s, at, end);
      if (bounded) hits.push({ start: at, end, kind: lit.kind, rank: -1 });
      at = s.indexOf(lit.value, bounded ? end : at + 1);
    }
  }
}

function pushDetectorHits(
  s: string,
  c: CompiledDetector,
  rank: number,
  hits: Hit[],
  meter?: ScanMeter,
): void {
  const { detector: d, re } = c;
  const group = d.group;
  const [first, last] = group === undefined ? [0, 0] : typeof group === "number" ? [group, group] : group;
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    if (meter) meter.steps++;
    let start = m.index;
    let end = start + m[0].length;
    if (group !== undefined) {
      const from = m.indices?.[first];
      const to = m.indices?.[last];
      if (from === undefined || to === undefined) continue;
      start = from[0];
      end = to[1];
    }
    while (end > start && isSpace(s.charCodeAt(end - 1))) end--;
    if (end <= start) continue;
    if (d.validate !== undefined && !d.validate(s.slice(start, end))) continue;
    hits.push({ start, end, kind: d.id, rank });
  }
}

function free(taken: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (taken[i] === 1) return false;
  return true;
}

/**
 * The secrets in `s`, non-overlapping and sorted by position. On overlap the better-ranked hit
 * wins; hits touching a pseudonym or redaction marker already in `s` are dropped. Candidates
 * arrive sorted by rank, then position (each detector's own matches never overlap), and are
 * checked against a per-character mask, so the work stays within (detectors + literals) x length.
 */
export function findHits(
  s: string,
  detectors: readonly CompiledDetector[],
  active: readonly number[],
  literals: readonly Literal[],
  grammar: PlaceholderGrammar,
  meter?: ScanMeter,
): Hit[] {
  const found: Hit[] = [];
  pushLiteralHits(s, literals, found, meter);
  for (const i of active) {
    const c = detectors[i]!;
    if (meter) meter.steps++;
    if (c.detector.anchors.some((a) => s.includes(a))) pushDetectorHits(s, c, i, found, meter);
  }
  if (found.length === 0) return found;
  const taken = new Uint8Array(s.length);
  if (s.includes("SLUICE_") || s.includes("[REDACTED:")) {
    const re = grammar.existing;
    re.lastIndex = 0;
    for (let m = re.exec(s); m !== null; m = re.exec(s)) taken.fill(1, m.index, m.index + m[0].length);
  }
  const kept: Hit[] = [];
  let ordered = true;
  for (const hit of found) {
    if (meter) meter.steps += hit.end - hit.start;
    if (!free(taken, hit.start, hit.end)) continue;
    taken.fill(1, hit.start, hit.end);
    if (kept.length > 0 && kept[kept.length - 1]!.start > hit.start) ordered = false;
    kept.push(hit);
  }
  return ordered ? kept : kept.sort((a, b) => a.start - b.start);
}

/** Rewrites `s`, replacing each hit (sorted, non-overlapping) with `replace(secret, kind)`. */
export function applyHits(
  s: string,
  hits: readonly Hit[],
  replace: (secret: string, kind: string) => string,
): string {
  const parts: string[] = [];
  let pos = 0;
  for (const hit of hits) {
    parts.push(s.slice(pos, hit.start), replace(s.slice(hit.start, hit.end), hit.kind));
    pos = hit.end;
  }
  parts.push(s.slice(pos));
  return parts.join("");
}
