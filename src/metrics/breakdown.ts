// Aggregates keyed by model, upstream, client or session, with a hard cap on distinct keys so
// memory stays bounded whatever clients send. Past the cap, new keys either fold into "other"
// (low-cardinality dimensions) or push out the least recently seen key (sessions).

import type { Usage } from "./usage.ts";

/** Totals for one key. */
export interface BreakdownRow {
  /** The model id, upstream name, client name or session id ("other" collects overflow). */
  key: string;
  /** Requests finished. */
  requests: number;
  /** Of those, the ones counted as errors. */
  errors: number;
  /** Token totals reported by those requests. */
  tokens: TokenTotals;
  /** Sum of the requests' cost in USD (unpriced requests add nothing). */
  costUsd: number;
  /** Requests that reported usage but had no price. */
  unpricedRequests: number;
  /** cacheRead / (input + cacheWrite + cacheRead); null before any input token. */
  cacheHitRatio: number | null;
  /** Epoch ms of the first and the latest request finished under this key. */
  firstSeenAt: number;
  lastSeenAt: number;
}

/**
 * Token counts by kind; `reasoning` and `outputEstimated` (counted by sluice, the backend having
 * reported none) are part of `output`, `cacheWrite1h` (Anthropic's 1-hour TTL writes, billed at
 * 2x input) part of `cacheWrite`, not in addition to them.
 */
export interface TokenTotals {
  input: number;
  output: number;
  outputEstimated: number;
  cacheWrite: number;
  cacheWrite1h: number;
  cacheRead: number;
  reasoning: number;
}

export function emptyTokens(): TokenTotals {
  return {
    input: 0,
    output: 0,
    outputEstimated: 0,
    cacheWrite: 0,
    cacheWrite1h: 0,
    cacheRead: 0,
    reasoning: 0,
  };
}

export function addTokens(t: TokenTotals, u: Usage): void {
  t.input += u.inputTokens;
  t.output += u.outputTokens;
  if (u.estimated) t.outputEstimated += u.outputTokens;
  t.cacheWrite += u.cacheWriteTokens;
  t.cacheWrite1h += Math.min(u.cacheWrite1hTokens ?? 0, u.cacheWriteTokens);
  t.cacheRead += u.cacheReadTokens;
  t.reasoning += u.reasoningTokens;
}

export function cacheHitRatio(t: TokenTotals): number | null {
  const prompt = t.input + t.cacheWrite + t.cacheRead;
  return prompt > 0 ? t.cacheRead / prompt : null;
}

/** What one finished request contributes. */
export interface Contribution {
  error: boolean;
  usage: Usage | undefined;
  costUsd: number | undefined;
  at: number;
}

export const OVERFLOW_KEY = "other";
const MAX_KEY_CHARS = 128;

type Row = Omit<BreakdownRow, "cacheHitRatio">;

export class Breakdown {
  readonly #rows = new Map<string, Row>();
  readonly #max: number;
  readonly #evictOldest: boolean;
  #evicted = 0;

  constructor(maxKeys: number, overflow: "other" | "evict-oldest") {
    this.#max = maxKeys;
    this.#evictOldest = overflow === "evict-oldest";
  }

  /** Keys pushed out to make room (evict-oldest mode only). */
  get evicted(): number {
    return this.#evicted;
  }

  get size(): number {
    return this.#rows.size;
  }

  /** Adds a request under `rawKey`; returns the key it was counted under. */
  add(rawKey: string, c: Contribution): string {
    const key = rawKey.length > MAX_KEY_CHARS ? rawKey.slice(0, MAX_KEY_CHARS) : rawKey;
    let row = this.#rows.get(key);
    let counted = key;
    if (row && this.#evictOldest) {
      // Re-insert so Map order stays least-recently-seen first.
      this.#rows.delete(key);
      this.#rows.set(key, row);
    } else if (!row) {
      if (this.#rows.size >= this.#max) {
        if (this.#evictOldest) {
          const oldest = this.#rows.keys().next().value;
          if (oldest !== undefined) this.#rows.delete(oldest);
          this.#evicted++;
        } else {
          counted = OVERFLOW_KEY;
          row = this.#rows.get(OVERFLOW_KEY);
        }
      }
      if (!row) {
        row = newRow(counted, c.at);
        this.#rows.set(counted, row);
      }
    }
    row.requests++;
    if (c.error) row.errors++;
    if (c.usage) {
      addTokens(row.tokens, c.usage);
      if (c.costUsd === undefined) row.unpricedRequests++;
    }
    if (c.costUsd !== undefined) row.costUsd += c.costUsd;
    row.lastSeenAt = c.at;
    return counted;
  }

  /** Live rows, in Map order; for exporters that must not copy. */
  values(): IterableIterator<Readonly<Row>> {
    return this.#rows.values();
  }

  /** Copies: most requests first, or (order "recent") most recently seen first. */
  rows(order: "requests" | "recent" = "requests"): BreakdownRow[] {
    const out: BreakdownRow[] = [];
    for (const r of this.#rows.values()) {
      out.push({ ...r, tokens: { ...r.tokens }, cacheHitRatio: cacheHitRatio(r.tokens) });
    }
    if (order === "recent") return out.sort((a, b) => b.lastSeenAt - a.lastSeenAt);
    return out.sort((a, b) => b.requests - a.requests || b.lastSeenAt - a.lastSeenAt);
  }
}

function newRow(key: string, at: number): Row {
  return {
    key,
    requests: 0,
    errors: 0,
    tokens: emptyTokens(),
    costUsd: 0,
    unpricedRequests: 0,
    firstSeenAt: at,
    lastSeenAt: at,
  };
}
