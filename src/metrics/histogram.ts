// Fixed log-scale latency buckets shared by the percentile window and the Prometheus histogram.
// Promises constant memory per histogram, O(1) recording (a 7-step search over fixed bounds) and
// percentiles that are the upper bound of the bucket holding the rank: "p99 is at most X".

// Ten steps per decade (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8) from 1 ms to 10^7 ms (2.8 h); about
// 20% apart, and every standard Prometheus bound (5 ms ... 600 s) is one of them.
const STEPS = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8];

function buildBounds(): Float64Array {
  const out: number[] = [];
  for (let decade = 1; decade <= 1e6; decade *= 10) for (const s of STEPS) out.push(s * decade);
  out.push(1e7);
  return Float64Array.from(out, (v) => Math.round(v * 1000) / 1000);
}

/** Upper bounds (inclusive, in ms) of the finite buckets; one more bucket holds everything above. */
export const BOUNDS_MS: Float64Array = buildBounds();

/** Number of buckets, the overflow bucket included. */
export const BUCKETS = BOUNDS_MS.length + 1;

/** Index of the bucket a value in ms falls in: the first bound >= value, else the overflow. */
export function bucketOf(ms: number): number {
  if (!(ms > BOUNDS_MS[0]!)) return 0; // also NaN and negatives
  let lo = 1;
  let hi = BOUNDS_MS.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (BOUNDS_MS[mid]! >= ms) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Representative value of a bucket: its upper bound, or the largest finite bound for overflow. */
export function bucketValue(index: number): number {
  return BOUNDS_MS[Math.min(index, BOUNDS_MS.length - 1)]!;
}

/**
 * The q-quantile (0 < q <= 1) of the counts in `counts[offset .. offset + BUCKETS)`, with `total`
 * their sum; null when empty. Nearest rank: the smallest bucket whose cumulative count reaches
 * ceil(q * total).
 */
export function quantile(counts: ArrayLike<number>, total: number, q: number, offset = 0): number | null {
  if (total <= 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) {
    seen += counts[offset + i]!;
    if (seen >= rank) return bucketValue(i);
  }
  return bucketValue(BUCKETS - 1);
}

/** A lifetime histogram (for Prometheus): bucket counts, sum and count of every observation. */
export class Histogram {
  readonly counts = new Float64Array(BUCKETS);
  sum = 0;
  count = 0;

  observe(ms: number): void {
    this.counts[bucketOf(ms)]!++;
    this.sum += ms;
    this.count++;
  }

  /** Observations <= boundMs; exact when boundMs is one of BOUNDS_MS. */
  countAtMost(boundMs: number): number {
    let n = 0;
    for (let i = 0; i < BOUNDS_MS.length && BOUNDS_MS[i]! <= boundMs; i++) n += this.counts[i]!;
    return n;
  }
}
