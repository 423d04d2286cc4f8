// One log line per finished request: who, what, where, how it ended and how long it took.
// Never a key, a header value or any request or response content.
import type { Logger } from "../log.ts";
import type { Exchange } from "./exchange.ts";
import { timingMs } from "./server-timing.ts";

const round = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * 10) / 10);

export function logExchange(log: Logger, ex: Exchange, slowMs: number): void {
  const fields = {
    id: ex.id,
    client: ex.client,
    method: ex.method,
    path: ex.path,
    upstream: ex.upstream,
    model: ex.model,
    status: ex.outcome === "client_closed" ? 499 : ex.status,
    outcome: ex.outcome,
    bytes_in: ex.bytesIn,
    bytes_out: ex.bytesOut,
    duration_ms: round(ex.durationMs),
    ttfb_ms: round(ex.ttfbMs),
    // The Server-Timing header's numbers, at its resolution.
    sluice_ms: ex.sluiceMs === undefined ? undefined : timingMs(ex.sluiceMs),
    upstream_ttfb_ms: ex.upstreamTtfbMs === undefined ? undefined : timingMs(ex.upstreamTtfbMs),
    retry_ms: ex.retryMs === undefined ? undefined : timingMs(ex.retryMs),
    retries: ex.retries,
    session: ex.sessionId,
    routed_to: ex.routedTo,
    fallback: ex.fallback,
    tokens_in: ex.usage
      ? ex.usage.inputTokens + ex.usage.cacheReadTokens + ex.usage.cacheWriteTokens
      : undefined,
    tokens_out: ex.usage?.outputTokens,
    // The backend reported no usage; tokens_out is sluice's tokenizer count.
    tokens_estimated: ex.usage?.estimated || undefined,
    cost_usd: ex.costUsd === undefined ? undefined : Math.round(ex.costUsd * 1e6) / 1e6,
    scrub_hits: ex.scrubHits,
    dropped: ex.dropped?.length ? ex.dropped.join(",") : undefined,
    error: ex.error,
  };
  if (ex.outcome === "error" && ex.status >= 500) log.warn("request", fields);
  else if (ex.durationMs > slowMs && slowMs > 0) log.warn("slow request", fields);
  else log.info("request", fields);
}
