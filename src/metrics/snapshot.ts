// The shapes the metrics recorder takes in (RequestRecord) and gives out (MetricsSnapshot, the
// JSON behind GET /metrics). Types only, plus the one rule that decides what counts as an error.

import type { BreakdownRow, TokenTotals } from "./breakdown.ts";
import type { SeriesSnapshot } from "./series.ts";
import type { Usage } from "./usage.ts";

export type { BreakdownRow, TokenTotals } from "./breakdown.ts";
export type { SeriesSnapshot } from "./series.ts";

/** How a proxied request ended. */
export type Outcome = "ok" | "error" | "incomplete" | "client_closed";

/** One finished request, as the proxy reports it. Holds no prompt or reply content, ever. */
export interface RequestRecord {
  /** The x-sluice-request-id. */
  id: string;
  /** Epoch ms when the request arrived. */
  startedAt: number;
  method: string;
  /** URL path without the query string (queries can carry `?key=`). */
  path: string;
  /** Name of the upstream it went to ("anthropic", "openai", "gemini" or a provider name). */
  upstream: string;
  /** Model id, preferably as the upstream's response names it. */
  model?: string;
  /** Name of the internal key used, when keys are configured. */
  client?: string;
  /** Client session id (e.g. x-claude-code-session-id); JSON snapshot only, never a metric label. */
  sessionId?: string;
  /** HTTP status sent to the client (499 when the client left). */
  status: number;
  outcome: Outcome;
  /** Request body bytes received from the client. */
  bytesIn: number;
  /** Response bytes sent to the client. */
  bytesOut: number;
  /** From arrival to the last byte sent (or the end of the attempt). */
  durationMs: number;
  /** From arrival to the first response byte sent, when one was sent. */
  ttfbMs?: number;
  /** Upstream attempts beyond the first. */
  retries: number;
  /** The fallback provider that answered, when the route's own target could not. */
  fallback?: string;
  usage?: Usage;
  /** Cost in USD; absent when the model has no price (or there was no usage). */
  costUsd?: number;
  /** Secrets replaced by the scrubber in this request. */
  scrubHits?: number;
}

/**
 * Errors: outcome "error" or "incomplete", or any status >= 400 except for a client that left
 * (those are counted apart as clientClosed, since nothing went wrong on our side).
 */
export function isError(rec: Pick<RequestRecord, "outcome" | "status">): boolean {
  if (rec.outcome === "client_closed") return false;
  return rec.outcome !== "ok" || rec.status >= 400;
}

/** Percentiles in ms: the upper bound of the log-scale bucket (about 20% wide) holding the rank. */
export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

export interface MetricsSnapshot {
  /** Epoch ms when this snapshot was taken. */
  generatedAt: number;
  /** Epoch ms when the recorder was created (about when sluice started). */
  startedAt: number;
  /** Whole seconds since startedAt. */
  uptimeSeconds: number;
  totals: {
    /** Requests finished since start. */
    requests: number;
    /** Of those, errors (see isError). */
    errors: number;
    /** Of those, requests whose client left before the end (499). */
    clientClosed: number;
    /** Requests begun and not yet finished. */
    inFlight: number;
    /** Upstream retries, summed. */
    retries: number;
    /** Request body bytes received from clients. */
    bytesIn: number;
    /** Response bytes sent to clients. */
    bytesOut: number;
    /** Tokens reported by upstreams, by kind. */
    tokens: TokenTotals;
    /** USD, summed over priced requests. */
    costUsd: number;
    /** Requests that reported usage for a model with no price. */
    unpricedRequests: number;
    /** Secrets replaced by the scrubber. */
    scrubHits: number;
  };
  /** Finished requests by outcome. */
  outcomes: Record<Outcome, number>;
  /** Finished requests by HTTP status sent, keyed by the code ("200", "499" ...). */
  statusCodes: Record<string, number>;
  /** Percentiles over the requests finished in the last `windowSeconds`. */
  latency: {
    windowSeconds: number;
    /** Requests in the window. */
    requests: number;
    /** Total time per request. */
    latencyMs: Percentiles;
    /** Requests in the window that sent a first byte. */
    ttfbRequests: number;
    /** Time to first byte. */
    ttfbMs: Percentiles;
  };
  /** One element per second for the last `windowSeconds`, oldest first. */
  series: SeriesSnapshot;
  /** Per model id (absent model: "unknown"), most requests first. */
  byModel: BreakdownRow[];
  /** Per upstream, most requests first. */
  byUpstream: BreakdownRow[];
  /** Per internal-key client name (no key: "anonymous"), most requests first. */
  byClient: BreakdownRow[];
  /** Per session id (requests without one are left out), most recently seen first. */
  bySession: BreakdownRow[];
  /** The bounds that keep memory fixed, and what they cost. */
  limits: {
    /** Distinct keys kept per breakdown; model/upstream/client overflow into "other". */
    maxKeysPerBreakdown: number;
    /** Sessions dropped (least recently seen first) to stay within the cap. */
    sessionsEvicted: number;
    /** Size of the recent-request ring. */
    recentCapacity: number;
  };
  /** The latest finished requests, newest first. */
  recent: RequestRecord[];
}
