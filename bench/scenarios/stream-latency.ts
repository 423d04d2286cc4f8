// Streamed scenario: one stream at a time, each `events` deltas `gapMs` apart at the mock;
// measures time to first byte, the gap between consecutive events as the client sees them,
// and how many events arrived glued to the one before (batching). Promises: returns figures
// or an error per target; never asserts a timing.

import { streamKnobs } from "../lib/request.ts";
import { type StreamResult, streamOnce } from "../lib/sse-client.ts";
import { percentile } from "../lib/stats.ts";
import type { Target } from "../lib/targets.ts";

export interface StreamLatencyResult {
  streams: number;
  complete: number;
  ttfbP50Ms: number;
  ttfbP99Ms: number;
  gapP50Ms: number;
  gapP99Ms: number;
  /** Share of events that arrived in the same chunk as the previous event, in percent. */
  coalescedPct: number;
  error?: string;
}

export interface StreamLatencyOptions {
  streams: number;
  events: number;
  gapMs: number;
}

export async function streamLatency(target: Target, o: StreamLatencyOptions): Promise<StreamLatencyResult> {
  const headers = { ...target.headers, ...streamKnobs(o.events, o.gapMs) };
  const one = () => streamOnce({ url: target.url, headers, keepTimes: true });
  for (let i = 0; i < 3; i++) await one();
  const results: StreamResult[] = [];
  for (let i = 0; i < o.streams; i++) results.push(await one());
  const good = results.filter((r) => r.end === "complete");
  const gaps: number[] = [];
  let events = 0;
  let coalesced = 0;
  for (const r of good) {
    for (let i = 1; i < r.eventTimes.length; i++) gaps.push(r.eventTimes[i]! - r.eventTimes[i - 1]!);
    events += r.events;
    coalesced += r.coalesced;
  }
  const bad = results.find((r) => r.end !== "complete");
  return {
    streams: results.length,
    complete: good.length,
    ttfbP50Ms: percentile(
      good.map((r) => r.ttfbMs),
      50,
    ),
    ttfbP99Ms: percentile(
      good.map((r) => r.ttfbMs),
      99,
    ),
    gapP50Ms: percentile(gaps, 50),
    gapP99Ms: percentile(gaps, 99),
    coalescedPct: events === 0 ? Number.NaN : (100 * coalesced) / events,
    ...(good.length === 0 && bad
      ? { error: `${bad.end} (HTTP ${bad.status}) ${bad.error ?? ""}`.trim() }
      : {}),
  };
}
