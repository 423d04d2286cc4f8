// The in-memory metrics recorder: counts every finished request into totals, per-second series,
// latency histograms, capped breakdowns and a ring of recent requests. Promises O(1) amortized,
// allocation-light recording, memory fixed by its options, and no I/O (the clock is injected).

import { addTokens, Breakdown, emptyTokens } from "./breakdown.ts";
import { Histogram, quantile } from "./histogram.ts";
import { type PrometheusView, renderPrometheus } from "./prometheus.ts";
import { RingBuffer } from "./ring-buffer.ts";
import { RollingSeries } from "./series.ts";
import {
  isError,
  type MetricsSnapshot,
  type Outcome,
  type Percentiles,
  type RequestRecord,
} from "./snapshot.ts";

export type { MetricsSnapshot, Outcome, Percentiles, RequestRecord } from "./snapshot.ts";

export interface RecorderOptions {
  /** Finished requests kept for the `recent` list. Default 500. */
  recentCapacity?: number;
  /** Length of the per-second series and of the percentile window. Default 300. */
  seriesSeconds?: number;
  /** Distinct keys per breakdown (model, upstream, client, session). Default 200. */
  maxKeysPerBreakdown?: number;
  /** Epoch ms. Default Date.now. */
  now?: () => number;
}

export interface SnapshotOptions {
  /** At most this many recent requests (default: all kept). */
  recent?: number;
}

export interface Recorder {
  /** A request arrived: in-flight +1. */
  begin(): void;
  /** A request finished: in-flight -1 (never below 0) and count it. Do not mutate `rec` after. */
  end(rec: RequestRecord): void;
  snapshot(options?: SnapshotOptions): MetricsSnapshot;
  /** Prometheus text exposition format 0.0.4. */
  prometheus(): string;
}

const UNKNOWN_MODEL = "unknown";
const ANONYMOUS_CLIENT = "anonymous";

export function createRecorder(opts: RecorderOptions = {}): Recorder {
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeysPerBreakdown ?? 200;
  const startedAt = now();
  const series = new RollingSeries(opts.seriesSeconds ?? 300, Math.floor(startedAt / 1000));
  const recent = new RingBuffer<RequestRecord>(opts.recentCapacity ?? 500);
  const latency = new Histogram();
  const ttfb = new Histogram();
  const byModel = new Breakdown(maxKeys, "other");
  const byUpstream = new Breakdown(maxKeys, "other");
  const byClient = new Breakdown(maxKeys, "other");
  const bySession = new Breakdown(maxKeys, "evict-oldest");
  const statusCodes = new Map<number, number>();
  /** Requests by the upstream key they were counted under, then by status. */
  const upstreamCodes = new Map<string, Map<number, number>>();
  const outcomes: Record<Outcome, number> = { ok: 0, error: 0, incomplete: 0, client_closed: 0 };
  const totals = {
    requests: 0,
    errors: 0,
    clientClosed: 0,
    inFlight: 0,
    retries: 0,
    bytesIn: 0,
    bytesOut: 0,
    tokens: emptyTokens(),
    costUsd: 0,
    unpricedRequests: 0,
    scrubHits: 0,
  };
  // One contribution object, refilled per request, so recording allocates nothing of its own.
  const contribution = {
    error: false,
    usage: undefined as RequestRecord["usage"],
    costUsd: 0 as number | undefined,
    at: 0,
  };
  const observation = {
    error: false,
    outputTokens: 0,
    bytesIn: 0,
    bytesOut: 0,
    durationMs: 0,
    ttfbMs: 0 as number | undefined,
  };

  const sec = (ms: number) => Math.floor(ms / 1000);

  function begin(): void {
    totals.inFlight++;
    series.noteInFlight(sec(now()), totals.inFlight);
  }

  function end(rec: RequestRecord): void {
    const at = now();
    // Open a new second with the count from before this request left, so its peak is right.
    series.advance(sec(at), totals.inFlight);
    if (totals.inFlight > 0) totals.inFlight--;
    const error = isError(rec);
    totals.requests++;
    if (error) totals.errors++;
    if (rec.outcome === "client_closed") totals.clientClosed++;
    outcomes[rec.outcome] = (outcomes[rec.outcome] ?? 0) + 1;
    totals.retries += rec.retries;
    totals.bytesIn += rec.bytesIn;
    totals.bytesOut += rec.bytesOut;
    totals.scrubHits += rec.scrubHits ?? 0;
    if (rec.usage) {
      addTokens(totals.tokens, rec.usage);
      if (rec.costUsd === undefined) totals.unpricedRequests++;
    }
    if (rec.costUsd !== undefined) totals.costUsd += rec.costUsd;
    statusCodes.set(rec.status, (statusCodes.get(rec.status) ?? 0) + 1);
    latency.observe(rec.durationMs);
    if (rec.ttfbMs !== undefined) ttfb.observe(rec.ttfbMs);

    observation.error = error;
    observation.outputTokens = rec.usage?.outputTokens ?? 0;
    observation.bytesIn = rec.bytesIn;
    observation.bytesOut = rec.bytesOut;
    observation.durationMs = rec.durationMs;
    observation.ttfbMs = rec.ttfbMs;
    series.observe(sec(at), totals.inFlight, observation);

    contribution.error = error;
    contribution.usage = rec.usage;
    contribution.costUsd = rec.costUsd;
    contribution.at = at;
    byModel.add(rec.model ?? UNKNOWN_MODEL, contribution);
    byClient.add(rec.client ?? ANONYMOUS_CLIENT, contribution);
    if (rec.sessionId !== undefined) bySession.add(rec.sessionId, contribution);
    const upstream = byUpstream.add(rec.upstream, contribution);
    let codes = upstreamCodes.get(upstream);
    if (!codes) {
      codes = new Map();
      upstreamCodes.set(upstream, codes);
    }
    codes.set(rec.status, (codes.get(rec.status) ?? 0) + 1);

    recent.push(rec);
  }

  function percentiles(counts: Float64Array, total: number): Percentiles {
    return {
      p50: quantile(counts, total, 0.5),
      p90: quantile(counts, total, 0.9),
      p99: quantile(counts, total, 0.99),
    };
  }

  function snapshot(options: SnapshotOptions = {}): MetricsSnapshot {
    const at = now();
    const seriesSnap = series.snapshot(sec(at), totals.inFlight);
    const codes: Record<string, number> = {};
    for (const code of [...statusCodes.keys()].sort((a, b) => a - b))
      codes[String(code)] = statusCodes.get(code)!;
    return {
      generatedAt: at,
      startedAt,
      uptimeSeconds: Math.max(0, Math.floor((at - startedAt) / 1000)),
      totals: { ...totals, tokens: { ...totals.tokens } },
      outcomes: { ...outcomes },
      statusCodes: codes,
      latency: {
        windowSeconds: series.seconds,
        requests: series.latencyWindowCount,
        latencyMs: percentiles(series.latencyWindow, series.latencyWindowCount),
        ttfbRequests: series.ttfbWindowCount,
        ttfbMs: percentiles(series.ttfbWindow, series.ttfbWindowCount),
      },
      series: seriesSnap,
      byModel: byModel.rows(),
      byUpstream: byUpstream.rows(),
      byClient: byClient.rows(),
      bySession: bySession.rows("recent"),
      limits: {
        maxKeysPerBreakdown: maxKeys,
        sessionsEvicted: bySession.evicted,
        recentCapacity: recent.capacity,
      },
      recent: recent.toArray(options.recent),
    };
  }

  function prometheus(): string {
    const at = now();
    const view: PrometheusView = {
      uptimeSeconds: Math.max(0, (at - startedAt) / 1000),
      inFlight: totals.inFlight,
      totals,
      outcomes,
      upstreamCodes,
      upstreams: byUpstream.values(),
      models: byModel.values(),
      clients: byClient.values(),
      latency,
      ttfb,
    };
    return renderPrometheus(view);
  }

  return { begin, end, snapshot, prometheus };
}
