// Rate-limit decisions for one key: requests per minute (each call counts one when it is let
// in) and tokens per minute (input, cache writes and output, counted when the call ends, so a
// key is refused once its last minute's tokens reached the limit). Pure over bucket counts; the
// counting itself is limiter-local.ts (one instance) or limiter-redis.ts (a fleet).
import type { KeyPolicy } from "../config/keys.ts";
import { type Buckets, waitMs } from "./window.ts";

export interface LimitCounts {
  requests: Buckets;
  tokens: Buckets;
}

export interface LimitRefusal {
  limit: "requests_per_minute" | "tokens_per_minute";
  value: number;
  retryAfterSec: number;
}

export const hasLimits = (p: KeyPolicy): boolean =>
  p.requestsPerMinute !== undefined || p.tokensPerMinute !== undefined;

export function overLimit(policy: KeyPolicy, counts: LimitCounts, now: number): LimitRefusal | undefined {
  if (policy.requestsPerMinute !== undefined) {
    const wait = waitMs(counts.requests, policy.requestsPerMinute, 1, now);
    if (wait > 0) return refusal("requests_per_minute", policy.requestsPerMinute, wait);
  }
  if (policy.tokensPerMinute !== undefined) {
    const wait = waitMs(counts.tokens, policy.tokensPerMinute, 1, now);
    if (wait > 0) return refusal("tokens_per_minute", policy.tokensPerMinute, wait);
  }
  return undefined;
}

const refusal = (limit: LimitRefusal["limit"], value: number, wait: number): LimitRefusal => ({
  limit,
  value,
  retryAfterSec: Math.max(1, Math.ceil(wait / 1000)),
});

export function limitMessage(key: string, r: LimitRefusal): string {
  const what = r.limit === "requests_per_minute" ? "requests" : "tokens";
  return `key "${key}" is over its limit of ${r.value} ${what} per minute; retry in ${r.retryAfterSec} s`;
}

/** What a finished call counts against tokens_per_minute: cache reads are left out, as providers do. */
export function countedTokens(u: {
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
}): number {
  return u.inputTokens + u.cacheWriteTokens + u.outputTokens;
}
