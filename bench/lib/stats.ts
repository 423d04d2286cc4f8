// Pure number helpers for the benchmarks: percentiles, ratios and the way figures are printed.
// Promises: no I/O; empty inputs give NaN, which formats as "n/a".

/** The p-th percentile (0..100) of `values`, nearest-rank on a sorted copy. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export function median(values: ArrayLike<number>): number {
  return percentile(values, 50);
}

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

const ok = (n: number | undefined): n is number => n !== undefined && Number.isFinite(n);

/** `x / base` as "1.23x"; n/a when either side is missing. */
export function ratio(x: number | undefined, base: number | undefined, digits = 2): string {
  return ok(x) && ok(base) && base !== 0 ? `${(x / base).toFixed(digits)}x` : "n/a";
}

/** Milliseconds with a fixed number of decimals. */
export function ms(n: number | undefined, digits = 3): string {
  return ok(n) ? n.toFixed(digits) : "n/a";
}

/** A signed difference in milliseconds ("+0.123"). */
export function addedMs(x: number | undefined, base: number | undefined, digits = 3): string {
  if (!ok(x) || !ok(base)) return "n/a";
  const d = x - base;
  return `${d >= 0 ? "+" : ""}${d.toFixed(digits)}`;
}

/** Whole numbers with thousands separators. */
export function int(n: number | undefined): string {
  return ok(n) ? Math.round(n).toLocaleString("en-US") : "n/a";
}

export function mib(kb: number | undefined): string {
  return ok(kb) ? (kb / 1024).toFixed(1) : "n/a";
}
