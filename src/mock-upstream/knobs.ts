// Owns the per-request fault and timing knobs (x-mock-* headers over CLI defaults) and the
// status sequences behind x-mock-status. Promises: parsing is pure and reports a bad header as
// a value naming it; sequences are bounded and forget everything on reset().

import type { CacheMode, Knobs, MockOptions } from "./types.ts";

export const DEFAULT_EVENTS = 8;
export const MAX_EVENTS = 10_000;
const MAX_MS = 600_000;
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const MAX_SEQUENCES = 1000;
const CACHE_MODES: readonly CacheMode[] = ["auto", "read", "write", "none"];

export type KnobsResult = { ok: true; knobs: Knobs } | { ok: false; message: string };

/** Reads every x-mock-* header; CLI options fill in what the headers leave out. */
export function parseKnobs(headers: Headers, defaults: MockOptions): KnobsResult {
  const problems: string[] = [];
  const int = (name: string, fallback: number | undefined, min: number, max: number) => {
    const raw = headers.get(name);
    if (raw === null) return fallback;
    const value = Number(raw.trim());
    if (raw.trim() === "" || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const latencyMs = int("x-mock-latency-ms", defaults.latencyMs ?? 0, 0, MAX_MS) ?? 0;
  const gapMs = int("x-mock-gap-ms", defaults.gapMs ?? 0, 0, MAX_MS) ?? 0;
  const events = int("x-mock-events", defaults.events ?? DEFAULT_EVENTS, 1, MAX_EVENTS) ?? DEFAULT_EVENTS;
  const resetAfter = int("x-mock-reset-after", undefined, 0, MAX_EVENTS * 4);
  const bodyBytes = int("x-mock-body-bytes", undefined, 0, MAX_BODY_BYTES);
  const streamErrorAfter = streamErrorPosition(headers.get("x-mock-stream-error"));
  const status = parseStatus(headers.get("x-mock-status"), problems);
  const cacheRaw = headers.get("x-mock-cache")?.trim().toLowerCase() ?? "auto";
  const cache = CACHE_MODES.find((m) => m === cacheRaw);
  if (!cache) problems.push(`x-mock-cache must be one of ${CACHE_MODES.join(", ")}, got "${cacheRaw}"`);
  if (problems.length > 0) return { ok: false, message: problems.join("; ") };
  const gzipRaw = headers.get("x-mock-gzip")?.trim().toLowerCase();
  const knobs: Knobs = {
    latencyMs,
    gapMs,
    events,
    status,
    key: headers.get("x-mock-key") ?? "",
    retryAfter: headers.get("x-mock-retry-after") ?? undefined,
    resetAfter,
    streamErrorAfter,
    gzip: gzipRaw === "1" || gzipRaw === "true",
    redirect: headers.get("x-mock-redirect") ?? undefined,
    bodyBytes,
    cache: cache ?? "auto",
  };
  return { ok: true, knobs };
}

/** "3" → after 3 events; any other value ("1", "true", "") counts as after 1 event. */
function streamErrorPosition(raw: string | null): number | undefined {
  if (raw === null) return undefined;
  const n = Number(raw.trim());
  return raw.trim() !== "" && Number.isInteger(n) && n >= 0 ? n : 1;
}

function parseStatus(raw: string | null, problems: string[]): Knobs["status"] {
  if (raw === null) return undefined;
  const codes = raw.split(",").map((part) => Number(part.trim()));
  if (codes.length === 0 || codes.some((c) => !Number.isInteger(c) || c < 200 || c > 599)) {
    problems.push(`x-mock-status must be a comma list of HTTP statuses (200-599), got "${raw}"`);
    return undefined;
  }
  return { raw: raw.trim(), codes };
}

/**
 * Counts requests per (x-mock-key, x-mock-status) pair: the Nth one gets the Nth listed status,
 * and the last status repeats once the list runs out.
 */
export class StatusSequences {
  #seen = new Map<string, number>();

  next(knobs: Knobs): number | undefined {
    if (!knobs.status) return undefined;
    const id = `${knobs.key}\u0000${knobs.status.raw}`;
    const n = this.#seen.get(id) ?? 0;
    if (!this.#seen.has(id) && this.#seen.size >= MAX_SEQUENCES) {
      const oldest = this.#seen.keys().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    this.#seen.set(id, n + 1);
    const codes = knobs.status.codes;
    return codes[Math.min(n, codes.length - 1)];
  }

  reset(): void {
    this.#seen.clear();
  }
}
