// When a body being read is late: stalled longer than the grace time, or slower than the minimum
// rate beyond it. The same rule for bodies with a length and chunked ones.
import { describe, expect, test } from "bun:test";
import { lateness } from "../../../src/proxy/body.ts";

const limits = { maxBytes: 1 << 30, graceMs: 1000, minBytesPerSec: 16 * 1024 };

describe("body lateness", () => {
  test("a body that stops for the grace time is late, whatever came before", () => {
    expect(lateness(limits, 0, 0, 0, 999)).toBe(1);
    expect(lateness(limits, 0, 0, 0, 1000)).toBe(0);
    expect(lateness(limits, 0, 5000, 1 << 20, 6000)).toBe(0);
  });

  test("a body arriving faster than the minimum rate is never late while it keeps coming", () => {
    // 50 KB/s for 60 s, checked every second: always within the allowance.
    for (let s = 1; s <= 60; s++)
      expect(lateness(limits, 0, s * 1000, s * 50_000, s * 1000 + 10)).toBeGreaterThan(0);
  });

  test("a body dripping slower than the minimum rate is late once the grace time is used up", () => {
    // 1 KiB every 500 ms (2 KiB/s): allowed 1 s + bytes / 16 KiB.
    let late = 0;
    for (let t = 500; t <= 10_000 && late === 0; t += 500) {
      if (lateness(limits, 0, t, (t / 500) * 1024, t) === 0) late = t;
    }
    expect(late).toBeGreaterThan(1000);
    expect(late).toBeLessThan(2000);
  });

  test("the wait it answers is when a rule could next be broken", () => {
    expect(lateness(limits, 0, 600, 32 * 1024, 700)).toBe(900);
  });
});
