// When to try an upstream request again, and how long to wait. Pure: the caller passes the
// attempt number, what happened and a random source. Only overload answers (529, 503) and
// connect failures are retried, and only before any byte reached the client.

export const RETRYABLE_STATUS = new Set([503, 529]);

export interface RetryPolicy {
  maxRetries: number;
  /** First backoff step; doubles each attempt. */
  baseMs: number;
  /** Largest single wait, retry-after included. A longer retry-after is not waited for. */
  maxDelayMs: number;
  /** Largest total time spent waiting across all retries of one request. */
  maxTotalMs: number;
}

export const DEFAULT_POLICY: Omit<RetryPolicy, "maxRetries"> = {
  baseMs: 250,
  maxDelayMs: 10_000,
  maxTotalMs: 30_000,
};

export type RetryDecision = { retry: false; reason: string } | { retry: true; delayMs: number };

export interface Attempt {
  /** Retries done so far (0 after the first try). */
  retries: number;
  /** Time already spent waiting between attempts. */
  waitedMs: number;
  /** Upstream status, or undefined when the connection failed. */
  status?: number;
  retryAfter?: string | null;
}

/** retry-after as delta-seconds or an HTTP date, in ms from `now`; undefined when absent or bad. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function decideRetry(
  a: Attempt,
  policy: RetryPolicy,
  random: () => number = Math.random,
  now = Date.now(),
): RetryDecision {
  if (a.status !== undefined && !RETRYABLE_STATUS.has(a.status))
    return { retry: false, reason: "not retryable" };
  if (a.retries >= policy.maxRetries) return { retry: false, reason: "retries exhausted" };
  // Full jitter (AWS architecture blog): spreads a thundering herd of clients evenly.
  const ceiling = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** a.retries);
  let delay = Math.round(random() * ceiling);
  const after = parseRetryAfter(a.retryAfter, now);
  if (after !== undefined) {
    if (after > policy.maxDelayMs) return { retry: false, reason: "retry-after too long" };
    delay = Math.max(delay, after);
  }
  if (a.waitedMs + delay > policy.maxTotalMs) return { retry: false, reason: "total wait exceeded" };
  return { retry: true, delayMs: delay };
}
