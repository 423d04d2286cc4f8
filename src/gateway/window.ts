// The per-minute rate limit as a sliding window over two fixed one-minute buckets: the count
// of the current minute plus the previous minute's, weighted by how much of it still lies in
// the last 60 s. Smooth like a true sliding log, but two numbers per key and limit, which is
// also all that Redis has to keep. Pure.

export const WINDOW_MS = 60_000;

/** Counts of one limit in the current and previous minute buckets. */
export interface Buckets {
  current: number;
  previous: number;
}

/** Index of the minute bucket `now` falls in. */
export const bucketOf = (now: number): number => Math.floor(now / WINDOW_MS);

/** Weight of the previous bucket at `now`: 1 at the start of a minute, towards 0 at its end. */
export const previousWeight = (now: number): number => 1 - (now % WINDOW_MS) / WINDOW_MS;

/** The sliding estimate of what was used in the last minute. */
export const used = (b: Buckets, now: number): number => b.previous * previousWeight(now) + b.current;

/**
 * Milliseconds until `need` more fits under `limit`, assuming nothing else is counted meanwhile;
 * 0 when it fits now.
 */
export function waitMs(b: Buckets, limit: number, need: number, now: number): number {
  if (used(b, now) + need <= limit) return 0;
  const into = now % WINDOW_MS;
  const room = limit - need - b.current;
  if (room >= 0 && b.previous > 0) {
    // Within this minute: the previous bucket's weight must fall to room / previous.
    const f = 1 - room / b.previous;
    return Math.max(1, Math.ceil(f * WINDOW_MS - into));
  }
  // Next minute: this minute's count becomes the previous bucket and must fade enough.
  const toNext = WINDOW_MS - into;
  if (b.current <= 0 || limit - need < 0) return toNext + WINDOW_MS;
  const f = Math.max(0, 1 - (limit - need) / b.current);
  return Math.ceil(toNext + f * WINDOW_MS);
}

/** Moves buckets counted in minute `from` to minute `to` (to >= from). */
export function roll(b: Buckets, from: number, to: number): Buckets {
  if (to === from) return b;
  if (to === from + 1) return { current: 0, previous: b.current };
  return { current: 0, previous: 0 };
}
