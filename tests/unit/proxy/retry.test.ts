import { describe, expect, test } from "bun:test";
import { decideRetry, parseRetryAfter, type RetryPolicy } from "../../../src/proxy/retry.ts";

const policy: RetryPolicy = { maxRetries: 3, baseMs: 100, maxDelayMs: 2000, maxTotalMs: 3000 };
const one = () => 1;

describe("decideRetry", () => {
  test("retries 529, 503 and connect failures; nothing else", () => {
    expect(decideRetry({ retries: 0, waitedMs: 0, status: 529 }, policy, one).retry).toBe(true);
    expect(decideRetry({ retries: 0, waitedMs: 0, status: 503 }, policy, one).retry).toBe(true);
    expect(decideRetry({ retries: 0, waitedMs: 0 }, policy, one).retry).toBe(true);
    for (const status of [200, 400, 429, 500, 502]) {
      expect(decideRetry({ retries: 0, waitedMs: 0, status }, policy, one).retry).toBe(false);
    }
  });
  test("backs off exponentially with full jitter", () => {
    const delays = [0, 1, 2].map((retries) =>
      decideRetry({ retries, waitedMs: 0, status: 529 }, policy, one),
    );
    expect(delays).toEqual([
      { retry: true, delayMs: 100 },
      { retry: true, delayMs: 200 },
      { retry: true, delayMs: 400 },
    ]);
    expect(decideRetry({ retries: 2, waitedMs: 0, status: 529 }, policy, () => 0.5)).toEqual({
      retry: true,
      delayMs: 200,
    });
  });
  test("stops after maxRetries", () => {
    expect(decideRetry({ retries: 3, waitedMs: 0, status: 529 }, policy, one)).toEqual({
      retry: false,
      reason: "retries exhausted",
    });
  });
  test("waits at least retry-after, but not beyond the single-wait cap", () => {
    expect(decideRetry({ retries: 0, waitedMs: 0, status: 529, retryAfter: "1" }, policy, one)).toEqual({
      retry: true,
      delayMs: 1000,
    });
    expect(decideRetry({ retries: 0, waitedMs: 0, status: 529, retryAfter: "30" }, policy, one).retry).toBe(
      false,
    );
  });
  test("caps the total waiting time", () => {
    expect(decideRetry({ retries: 1, waitedMs: 2900, status: 503 }, policy, one).retry).toBe(false);
  });
});

describe("parseRetryAfter", () => {
  test("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("2", 0)).toBe(2000);
    expect(parseRetryAfter("0.5", 0)).toBe(500);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:03 GMT", now)).toBe(3000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
