// The metrics recorder as an ExchangeObserver: begin() when a request arrives, one RequestRecord
// per finished exchange, plus scrub hits per detector and translation drops. Promises one small
// object per request (the record the recent-requests ring keeps) and no prompt content, ever.

import type { Exchange } from "../proxy/exchange.ts";
import type { ExchangeObserver } from "../proxy/observe.ts";
import type { Counters } from "./counters.ts";
import type { Recorder } from "./recorder.ts";
import type { RequestRecord } from "./snapshot.ts";

/** What the recorder keeps of an exchange: counts, names and timings only. */
export function toRecord(ex: Exchange): RequestRecord {
  let scrubHits: number | undefined;
  if (ex.scrubHits !== undefined) {
    scrubHits = 0;
    for (const detector in ex.scrubHits) scrubHits += ex.scrubHits[detector] ?? 0;
  }
  return {
    id: ex.id,
    startedAt: ex.startedAt,
    method: ex.method,
    path: ex.path,
    // A [[routes]] entry names the provider that really answered.
    upstream: ex.routedTo ?? ex.upstream,
    model: ex.model,
    client: ex.client,
    sessionId: ex.sessionId,
    status: ex.status,
    outcome: ex.outcome,
    bytesIn: ex.bytesIn,
    bytesOut: ex.bytesOut,
    durationMs: ex.durationMs,
    ttfbMs: ex.ttfbMs,
    retries: ex.retries,
    fallback: ex.fallback,
    usage: ex.usage,
    costUsd: ex.costUsd,
    scrubHits,
  };
}

export function createMetricsObserver(recorder: Recorder, counters?: Counters): ExchangeObserver {
  return {
    onStart() {
      recorder.begin();
    },
    onEnd(ex) {
      recorder.end(toRecord(ex));
      if (!counters) return;
      if (ex.scrubHits !== undefined) {
        for (const detector in ex.scrubHits) counters.scrub.add(detector, ex.scrubHits[detector] ?? 0);
      }
      if (ex.dropped !== undefined) for (const feature of ex.dropped) counters.drops.add(feature, 1);
      if (ex.fallback !== undefined) counters.fallbacks.add(ex.fallback, 1);
    },
  };
}
