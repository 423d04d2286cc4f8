// The edges of the retry decision: the default policy's numbers, a retry-after or total wait
// exactly at its cap (waited) and one past it (refused, with the reason), and retry-after
// values that only look like seconds. Written from the survivors of `make mutate MODULE=retry`.
import { describe, expect, test } from "bun:test";
import { DEFAULT_POLICY, decideRetry, parseRetryAfter, type RetryPolicy } from "../../../src/proxy/retry.ts";

const policy: RetryPolicy = { maxRetries: 3, baseMs: 100, maxDelayMs: 1000, maxTotalMs: 1500 };
const zero = () => 0;

describe("decideRetry at its caps", () => {
  test("the default policy: 250 ms first step, 10 s single wait, 30 s in all", () => {
    expect(DEFAULT_POLICY).toEqual({ baseMs: 250, maxDelayMs: 10_000, maxTotalMs: 30_000 });
  });

  test("a retry-after of exactly the single-wait cap is waited; one millisecond more is not", () => {
    expect(decideRetry({ retries: 0, waitedMs: 0, status: 529, retryAfter: "1" }, policy, zero)).toEqual({
      retry: true,
      delayMs: 1000,
    });
    expect(decideRetry({ retries: 0, waitedMs: 0, status: 529, retryAfter: "1.001" }, policy, zero)).toEqual({
      retry: false,
      reason: "retry-after too long",
    });
  });

  test("a wait that brings the total exactly to its cap is taken; past it, not", () => {
    expect(decideRetry({ retries: 1, waitedMs: 500, status: 503, retryAfter: "1" }, policy, zero)).toEqual({
      retry: true,
      delayMs: 1000,
    });
    expect(decideRetry({ retries: 1, waitedMs: 501, status: 503, retryAfter: "1" }, policy, zero)).toEqual({
      retry: false,
      reason: "total wait exceeded",
    });
  });

  test("a status that is not an overload says why it is not retried", () => {
    expect(decideRetry({ retries: 0, waitedMs: 0, status: 500 }, policy, zero)).toEqual({
      retry: false,
      reason: "not retryable",
    });
  });
});

describe("parseRetryAfter", () => {
  test("seconds with blanks around them, and fractions of any length", () => {
    expect(parseRetryAfter(" 2 ", 0)).toBe(2000);
    expect(parseRetryAfter("0.25", 0)).toBe(250);
  });

  test("text around digits is not seconds (and not a date either)", () => {
    expect(parseRetryAfter("x2", 0)).toBeUndefined();
    expect(parseRetryAfter("2x", 0)).toBeUndefined();
  });
});
