// Latency at concurrency 1, interleaved: the c=1 goals compare differences of a tenth of a
// millisecond, and on a shared VM one target's few seconds can land in a slow spell the next
// target's do not (seen: the same sluice at +0.15 ms and +0.9 ms a minute apart). So the targets
// the goals compare (direct, the bare Bun proxy, sluice at its defaults) run side by side, and
// each round gives every one of them the same short c=1 load and a few streams in turn; the
// medians over the rounds are what the verdicts read. Promises: loopback only; stops what it
// started; figures, never assertions.

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

export async function interleavedC1(
  starts: [id: string, label: string, start: () => Promise<Target> | Target][],
  o: InterleavedOptions,
): Promise<InterleavedResult> {
  const targets: { id: string; label: string; t: Target }[] = [];
  const out: InterleavedResult = {
    rounds: o.rounds,
    secondsPerRound: o.seconds,
    streamsPerRound: o.streams,
    rows: [],
  };
  try {
    for (const [id, label, start] of starts) targets.push({ id, label, t: await start() });
    const p50 = new Map<string, number[]>();
    const ttfb = new Map<string, number[]>();
    for (const { t } of targets) await load(t, o, 8, o.warmSeconds, JSON_SHAPE);
    for (let round = 0; round < o.rounds; round++) {
      for (const { id, t } of targets) {
        const r = await load(t, o, 1, o.seconds, JSON_SHAPE);
        if ("error" in r) throw new Error(`${id}: ${r.error}`);
        p50.set(id, [...(p50.get(id) ?? []), r.p50Ms]);
        const s = await streamLatency(t, { streams: o.streams, events: o.events, gapMs: o.gapMs });
        ttfb.set(id, [...(ttfb.get(id) ?? []), s.ttfbP50Ms]);
      }
    }
    out.rows = targets.map(({ id, label }) => {
      const p50s = p50.get(id) ?? [];
      const ttfbs = ttfb.get(id) ?? [];
      return { id, label, p50Ms: median(p50s), ttfbP50Ms: median(ttfbs), p50s, ttfbs };
    });
  } catch (err) {
    out.error = (err instanceof Error ? err.message : String(err)).split("\n")[0]!;
  } finally {
    for (const { t } of targets) await Promise.resolve(t.stop()).catch(() => {});
  }
  return out;
}
