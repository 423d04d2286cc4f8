import { describe, expect, test } from "bun:test";
import { overLimit } from "../../../src/gateway/limits.ts";
import { roll, used, WINDOW_MS, waitMs } from "../../../src/gateway/window.ts";

const at = (minute: number, seconds: number) => minute * WINDOW_MS + seconds * 1000;

describe("sliding minute window", () => {
  test("the previous minute counts less as the current one goes on", () => {
    const b = { current: 2, previous: 10 };
    expect(used(b, at(5, 0))).toBe(12);
    expect(used(b, at(5, 30))).toBe(7);
    expect(used(b, at(5, 59.999))).toBeCloseTo(2, 2);
  });

  test("a request fits when used + 1 is within the limit", () => {
    expect(waitMs({ current: 9, previous: 0 }, 10, 1, at(1, 10))).toBe(0);
    expect(waitMs({ current: 10, previous: 0 }, 10, 1, at(1, 10))).toBeGreaterThan(0);
  });

  test("over the limit within this minute: wait until the previous bucket has faded enough", () => {
    // 5 + 10 * (1 - f) + 1 <= 10  ->  f >= 0.6, i.e. 36 s into the minute; now is 6 s in.
    expect(waitMs({ current: 5, previous: 10 }, 10, 1, at(3, 6))).toBe(30_000);
  });

  test("this minute alone is over: wait into the next minute", () => {
    // Next minute: previous = 10, need 10 * (1 - f) + 1 <= 10 -> f >= 0.1 -> 6 s into it.
    expect(waitMs({ current: 10, previous: 0 }, 10, 1, at(3, 50))).toBe(10_000 + 6_000);
  });

  test("buckets roll by one minute, or reset after a longer gap", () => {
    expect(roll({ current: 4, previous: 9 }, 7, 7)).toEqual({ current: 4, previous: 9 });
    expect(roll({ current: 4, previous: 9 }, 7, 8)).toEqual({ current: 0, previous: 4 });
    expect(roll({ current: 4, previous: 9 }, 7, 10)).toEqual({ current: 0, previous: 0 });
  });

  test("overLimit names the limit hit and rounds retry-after up to whole seconds", () => {
    const policy = {
      name: "a",
      sha256: "",
      source: "sha256" as const,
      requestsPerMinute: 1,
      tokensPerMinute: 100,
    };
    const zero = { current: 0, previous: 0 };
    expect(overLimit(policy, { requests: zero, tokens: zero }, at(1, 0))).toBeUndefined();
    expect(overLimit(policy, { requests: { current: 1, previous: 0 }, tokens: zero }, at(1, 59.5))).toEqual({
      limit: "requests_per_minute",
      value: 1,
      // The request 0.5 s ago weighs fully at the start of the next minute and fades over it.
      retryAfterSec: 61,
    });
    const tok = overLimit(policy, { requests: zero, tokens: { current: 100, previous: 0 } }, at(1, 30));
    expect(tok?.limit).toBe("tokens_per_minute");
    expect(tok?.retryAfterSec).toBe(31);
  });
});
