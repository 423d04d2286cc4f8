import { describe, expect, test } from "bun:test";
import { createRecorder } from "../../../src/metrics/recorder.ts";
import { fakeClock, record } from "./records.ts";

const T0 = 1_763_712_000_000;
const S0 = T0 / 1000;

describe("per-second series", () => {
  test("rolls forward with the injected clock, dropping seconds that leave the window", () => {
    const clock = fakeClock(T0);
    const m = createRecorder({ now: clock.now, seriesSeconds: 4 });
    m.end(record({ durationMs: 100, bytesOut: 1 }));
    clock.set(T0 + 1000);
    m.end(record({ durationMs: 200, bytesOut: 2 }));
    m.end(record({ durationMs: 300, bytesOut: 4 }));
    clock.set(T0 + 3999);

    let s = m.snapshot();
    expect(s.series.startSec).toBe(S0);
    expect(s.series.requests).toEqual([1, 2, 0, 0]);
    expect(s.series.bytesOut).toEqual([1, 6, 0, 0]);
    expect(s.latency.requests).toBe(3);
    expect(s.latency.latencyMs.p50).toBe(200);

    clock.set(T0 + 4000);
    s = m.snapshot();
    expect(s.series.startSec).toBe(S0 + 1);
    expect(s.series.requests).toEqual([2, 0, 0, 0]);
    expect(s.latency.requests).toBe(2);
    expect(s.latency.latencyMs).toEqual({ p50: 200, p90: 300, p99: 300 });

    clock.set(T0 + 5000);
    s = m.snapshot();
    expect(s.series.requests).toEqual([0, 0, 0, 0]);
    expect(s.latency.requests).toBe(0);
    expect(s.latency.latencyMs.p50).toBeNull();
    expect(s.totals.requests).toBe(3);
  });

  test("a gap longer than the window clears it all at once", () => {
    const clock = fakeClock(T0);
    const m = createRecorder({ now: clock.now, seriesSeconds: 3 });
    m.end(record({ ttfbMs: 5 }));
    clock.set(T0 + 3_600_000);
    m.end(
      record({
        usage: {
          inputTokens: 1,
          outputTokens: 9,
          cacheWriteTokens: 0,
          cacheReadTokens: 0,
          reasoningTokens: 0,
        },
      }),
    );
    const s = m.snapshot();
    expect(s.series.startSec).toBe(S0 + 3600 - 2);
    expect(s.series.requests).toEqual([0, 0, 1]);
    expect(s.series.outputTokens).toEqual([0, 0, 9]);
    expect(s.latency.requests).toBe(1);
    expect(s.latency.ttfbRequests).toBe(0);
  });

  test("in-flight shows each second's peak and carries over quiet seconds", () => {
    const clock = fakeClock(T0);
    const m = createRecorder({ now: clock.now, seriesSeconds: 4 });
    m.begin();
    m.begin();
    m.begin();
    m.end(record({}));
    clock.set(T0 + 2500);
    m.end(record({}));
    clock.set(T0 + 3000);
    expect(m.snapshot().series.inFlight).toEqual([3, 2, 2, 1]);
  });

  test("errors and p50 per second", () => {
    const clock = fakeClock(T0);
    const m = createRecorder({ now: clock.now, seriesSeconds: 2 });
    m.end(record({ status: 500, outcome: "error", durationMs: 40 }));
    m.end(record({ durationMs: 60 }));
    m.end(record({ durationMs: 1000 }));
    clock.set(T0 + 1000);
    const s = m.snapshot();
    expect(s.series.errors).toEqual([1, 0]);
    expect(s.series.latencyP50Ms).toEqual([60, null]);
  });

  test("a clock that steps back keeps counting in the current second", () => {
    const clock = fakeClock(T0 + 5000);
    const m = createRecorder({ now: clock.now, seriesSeconds: 3 });
    clock.set(T0 + 1000);
    m.end(record({}));
    clock.set(T0 + 5000);
    expect(m.snapshot().series.requests).toEqual([0, 0, 1]);
  });
});
