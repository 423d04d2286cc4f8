import { describe, expect, test } from "bun:test";
import { BOUNDS_MS, BUCKETS, bucketOf, Histogram, quantile } from "../../../src/metrics/histogram.ts";
import { PROMETHEUS_BOUNDS_S } from "../../../src/metrics/prometheus.ts";

function countsOf(values: number[]): Float64Array {
  const c = new Float64Array(BUCKETS);
  for (const v of values) c[bucketOf(v)]!++;
  return c;
}

describe("latency buckets", () => {
  test("bounds run 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 per decade from 1 ms to 10^7 ms", () => {
    expect([...BOUNDS_MS.slice(0, 12)]).toEqual([1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12]);
    expect(BOUNDS_MS.length).toBe(71);
    expect(BOUNDS_MS[70]).toBe(1e7);
  });

  test("a value lands in the first bucket whose bound is at or above it", () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(1)).toBe(0);
    expect(bucketOf(1.1)).toBe(1);
    expect(bucketOf(100)).toBe(20);
    expect(bucketOf(101)).toBe(21);
    expect(bucketOf(1e9)).toBe(71);
    expect(bucketOf(Number.NaN)).toBe(0);
  });

  test("every Prometheus bound is a bucket bound, so exported counts are exact", () => {
    for (const s of PROMETHEUS_BOUNDS_S) expect(BOUNDS_MS).toContain(Math.round(s * 1000));
  });
});

describe("quantile", () => {
  test("nearest rank, reported as the bucket's upper bound", () => {
    const values = [100, 200, 300, 400, 500, 600, 800, 1000, 2000, 10_000];
    const c = countsOf(values);
    expect(quantile(c, 10, 0.5)).toBe(500);
    expect(quantile(c, 10, 0.9)).toBe(2000);
    expect(quantile(c, 10, 0.99)).toBe(10_000);
  });

  test("a value between bounds reports the bound above it (at most 20% high)", () => {
    expect(quantile(countsOf([110]), 1, 0.5)).toBe(120);
  });

  test("no observations give null", () => {
    expect(quantile(new Float64Array(BUCKETS), 0, 0.5)).toBeNull();
  });

  test("the lifetime histogram counts at or below a bound", () => {
    const h = new Histogram();
    for (const v of [3, 50, 50, 700, 90_000_000]) h.observe(v);
    expect(h.count).toBe(5);
    expect(h.sum).toBe(90_000_803);
    expect(h.countAtMost(50)).toBe(3);
    expect(h.countAtMost(1000)).toBe(4);
    expect(h.countAtMost(1e7)).toBe(4);
  });
});
