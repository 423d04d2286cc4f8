// One client request and its answer, as sluice observes it: what the request log line, the
// metrics recorder and telemetry are built from. Never holds a key or a prompt.
import type { Api } from "../errors.ts";
import type { Usage } from "../metrics/usage.ts";

export type Outcome = "ok" | "error" | "incomplete" | "client_closed";

export interface Exchange {
  id: string;
  /** Epoch ms when the request arrived. */
  startedAt: number;
  /** performance.now() at arrival, for durations. */
  t0: number;
  method: string;
  path: string;
  api: Api;
  upstream: string;
  client?: string;
  sessionId?: string;
  /** Model the client asked for (request body or Gemini path). */
  requestModel?: string;
  /** Model that answered (response), else the requested one: the metrics label. */
  model?: string;
  /** Provider name when a [[routes]] entry sent the request elsewhere. */
  routedTo?: string;
  /** Model name sent upstream when a route renamed it. */
  upstreamModel?: string;
  /** The route's fallback provider that answered, when its own target could not (x-sluice-fallback). */
  fallback?: string;
  /** Whether the client asked for a streamed answer. */
  stream?: boolean;
  usage?: Usage;
  /** Output tokens sluice counted itself because a translated backend reported none. */
  estimatedOutputTokens?: number;
  costUsd?: number;
  stopReason?: string;
  /** Error summary the upstream reported inside its answer (e.g. an SSE error event). */
  upstreamError?: string;
  /** Secrets replaced in the request, per detector. */
  scrubHits?: Record<string, number>;
  /** Request features a translated route could not express. */
  dropped?: string[];
  status: number;
  outcome: Outcome;
  bytesIn: number;
  bytesOut: number;
  durationMs: number;
  /** Time to the first response byte sent to the client (headers for bodiless answers). */
  ttfbMs?: number;
  /** sluice's own time before the first upstream request (to its own answer when none was sent). */
  sluiceMs?: number;
  /** The answering upstream's time to first byte: its request sent to its response headers. */
  upstreamTtfbMs?: number;
  /** After a retry or fallback: from the first upstream request to the one that was answered. */
  retryMs?: number;
  retries: number;
  /** Short reason when sluice or upstream failed; never request content. */
  error?: string;
  /** The kind of a sluice-made error (upstream_timeout, bad_request ...). */
  errorKind?: string;
  /** The id the provider gave its answer (msg_..., chatcmpl-..., Gemini's responseId). */
  responseId?: string;
  /** The W3C traceparent the client sent, as it came. */
  traceparent?: string;
  /** The traceparent sent upstream: sluice's own span as the parent (set when OpenTelemetry is on). */
  upstreamTraceparent?: string;
}

let counter = 0;
const prefix = Math.floor(Math.random() * 0xffffffff)
  .toString(16)
  .padStart(8, "0");

/** Unique per process and sortable within it; cheaper than randomUUID on the hot path. */
export function newRequestId(): string {
  counter = (counter + 1) >>> 0;
  return `${prefix}${Date.now().toString(16)}${counter.toString(16).padStart(6, "0")}`;
}

export function newExchange(method: string, path: string, api: Api, upstream: string): Exchange {
  return {
    id: newRequestId(),
    startedAt: Date.now(),
    t0: performance.now(),
    method,
    path,
    api,
    upstream,
    status: 0,
    outcome: "ok",
    bytesIn: 0,
    bytesOut: 0,
    durationMs: 0,
    retries: 0,
  };
}
