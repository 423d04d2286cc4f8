// Latency at concurrency 1, interleaved: the c=1 goals compare differences of a tenth of a
// millisecond, and on a shared VM one target's few seconds can land in a slow spell the next
// target's do not (seen: the same sluice at +0.15 ms and +0.9 ms a minute apart). So the targets
// the goals compare (direct, the bare Bun proxy, sluice at its defaults) run side by side, and
// each round gives every one of them the same short c=1 load and a few streams in turn; the
// medians over the rounds are what the verdicts read. Promises: loopback only; the caller starts
// and stops the targets; figures, never assertions.

import { JSON_SHAPE } from "../lib/request.ts";
import { median } from "../lib/stats.ts";
import type { Target } from "../lib/targets.ts";
import { load, type NonStreamOptions } from "./nonstream.ts";
import { streamLatency } from "./stream-latency.ts";

export interface InterleavedRow {
  id: string;
  label: string;
  /** Median over the rounds of each round's p50 at concurrency 1 (JSON answers). */
  p50Ms: number;
  /** Median over the rounds of each round's median time to first streamed byte. */
  ttfbP50Ms: number;
  /** Every round's p50, in round order, to show the spread. */
  p50s: number[];
  ttfbs: number[];
}

export interface InterleavedResult {
  rounds: number;
  secondsPerRound: number;
  streamsPerRound: number;
  rows: InterleavedRow[];
  error?: string;
}

export interface InterleavedOptions extends NonStreamOptions {
  rounds: number;
  streams: number;
  events: number;
  gapMs: number;
}

export async function interleavedC1(targets: Target[], o: InterleavedOptions): Promise<InterleavedResult> {
  const out: InterleavedResult = {
    rounds: o.rounds,
    secondsPerRound: o.seconds,
    streamsPerRound: o.streams,
    rows: [],
  };
  const rows = targets.map((t) => ({ t, p50s: [] as number[], ttfbs: [] as number[] }));
  try {
    for (const { t } of rows) await load(t, o, 8, o.warmSeconds, JSON_SHAPE);
    for (let round = 0; round < o.rounds; round++) {
      for (const row of rows) {
        const r = await load(row.t, o, 1, o.seconds, JSON_SHAPE);
        if ("error" in r) throw new Error(`${row.t.id}: ${r.error}`);
        row.p50s.push(r.p50Ms);
        const s = await streamLatency(row.t, { streams: o.streams, events: o.events, gapMs: o.gapMs });
        row.ttfbs.push(s.ttfbP50Ms);
      }
    }
  } catch (err) {
    out.error = (err instanceof Error ? err.message : String(err)).split("\n")[0]!;
    return out;
  }
  out.rows = rows.map(({ t, p50s, ttfbs }) => ({
    id: t.id,
    label: t.label,
    p50Ms: median(p50s),
    ttfbP50Ms: median(ttfbs),
    p50s,
    ttfbs,
  }));
  return out;
}
