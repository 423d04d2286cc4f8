// Where the time of one call went, as sluice measured it: its own work before the upstream call,
// the answering upstream's time to first byte, and (after a retry or a fallback) the time spent
// on the attempts before it. Sent as a standard Server-Timing header, so a browser's or client's
// network view shows sluice's overhead of any call, and written to the request log with the same
// numbers. Pure apart from the Exchange fields it sets.
import type { Exchange } from "./exchange.ts";

/** What send.ts records about the upstream request that was answered (performance.now()). */
export interface AnsweredAt {
  sentAt: number;
  headersAt: number;
}

/** Milliseconds at 10 µs resolution: sluice's own share is often a fraction of a millisecond. */
export const timingMs = (ms: number) => Math.round(ms * 100) / 100;

/** Called just before the first upstream request goes out. */
export function noteFirstSend(ex: Exchange, now = performance.now()): void {
  ex.sluiceMs ??= now - ex.t0;
}

/** Called when an upstream answer is about to be relayed (or translated) to the client. */
export function noteAnswered(ex: Exchange, at: AnsweredAt): void {
  ex.upstreamTtfbMs = at.headersAt - at.sentAt;
  const firstSend = ex.t0 + (ex.sluiceMs ?? at.sentAt - ex.t0);
  ex.retryMs = ex.retries > 0 ? Math.max(0, at.sentAt - firstSend) : undefined;
}

/**
 * The Server-Timing value for an exchange. A call answered without any upstream (sluice's own
 * errors, locally counted tokens) shows sluice's time to its answer.
 */
export function serverTiming(ex: Exchange, now = performance.now()): string {
  ex.sluiceMs ??= now - ex.t0;
  const parts = [`sluice;dur=${timingMs(ex.sluiceMs)};desc="sluice before upstream"`];
  if (ex.retryMs !== undefined)
    parts.push(`retry;dur=${timingMs(ex.retryMs)};desc="earlier attempts and waits"`);
  if (ex.upstreamTtfbMs !== undefined)
    parts.push(`upstream;dur=${timingMs(ex.upstreamTtfbMs)};desc="upstream time to first byte"`);
  return parts.join(", ");
}
