import { expect, test } from "bun:test";
import { createRecorder } from "../../../src/metrics/recorder.ts";
import { fakeClock, record } from "./records.ts";

const T0 = 1_763_712_000_000;
const S0 = T0 / 1000;

test("a known sequence of requests gives exactly these numbers in every snapshot field", () => {
  const clock = fakeClock(T0);
  const m = createRecorder({ now: clock.now, seriesSeconds: 10, recentCapacity: 3 });

  const costA = 0.0129786;
  const costD = 0.00003;
  const a = record({
    upstream: "anthropic",
    model: "claude-sonnet-4-5",
    client: "alice",
    sessionId: "s1",
    status: 200,
    outcome: "ok",
    bytesIn: 1000,
    bytesOut: 5000,
    durationMs: 1200,
    ttfbMs: 300,
    retries: 1,
    scrubHits: 2,
    usage: {
      inputTokens: 12,
      outputTokens: 187,
      cacheWriteTokens: 2048,
      cacheReadTokens: 8192,
      reasoningTokens: 0,
    },
    costUsd: costA,
  });
  const b = record({
    upstream: "openai",
    model: "gpt-4o-mini",
    path: "/v1/chat/completions",
    status: 429,
    outcome: "error",
    bytesIn: 200,
    bytesOut: 150,
    durationMs: 80,
    retries: 3,
  });
  const c = record({
    upstream: "gemini",
    model: "my-finetune",
    client: "bob",
    sessionId: "s1",
    status: 200,
    outcome: "ok",
    bytesIn: 300,
    bytesOut: 700,
    durationMs: 2500,
    ttfbMs: 400,
    usage: { inputTokens: 41, outputTokens: 12, cacheWriteTokens: 0, cacheReadTokens: 0, reasoningTokens: 0 },
  });
  const d = record({
    upstream: "anthropic",
    model: "claude-sonnet-4-5",
    client: "alice",
    sessionId: "s2",
    status: 499,
    outcome: "client_closed",
    bytesIn: 100,
    bytesOut: 50,
    durationMs: 5000,
    ttfbMs: 250,
    usage: { inputTokens: 5, outputTokens: 1, cacheWriteTokens: 0, cacheReadTokens: 0, reasoningTokens: 0 },
    costUsd: costD,
  });

  clock.set(T0 + 100);
  m.begin();
  m.begin();
  clock.set(T0 + 500);
  m.end(a);
  clock.set(T0 + 1500);
  m.end(b);
  clock.set(T0 + 1600);
  m.begin();
  clock.set(T0 + 2500);
  m.end(c);
  clock.set(T0 + 3000);
  m.begin();
  clock.set(T0 + 3200);
  m.end(d);
  clock.set(T0 + 4000);

  const zero = {
    input: 0,
    output: 0,
    outputEstimated: 0,
    cacheWrite: 0,
    cacheWrite1h: 0,
    cacheRead: 0,
    reasoning: 0,
  };
  // Requests A and D share model, upstream and client; so do C's and B's own rows.
  const rowAD = {
    requests: 2,
    errors: 0,
    tokens: {
      input: 17,
      output: 188,
      outputEstimated: 0,
      cacheWrite: 2048,
      cacheWrite1h: 0,
      cacheRead: 8192,
      reasoning: 0,
    },
    costUsd: costA + costD,
    unpricedRequests: 0,
    cacheHitRatio: 8192 / 10257,
    firstSeenAt: T0 + 500,
    lastSeenAt: T0 + 3200,
  };
  const rowC = {
    requests: 1,
    errors: 0,
    tokens: { ...zero, input: 41, output: 12 },
    costUsd: 0,
    unpricedRequests: 1,
    cacheHitRatio: 0,
    firstSeenAt: T0 + 2500,
    lastSeenAt: T0 + 2500,
  };
  const rowB = {
    requests: 1,
    errors: 1,
    tokens: zero,
    costUsd: 0,
    unpricedRequests: 0,
    cacheHitRatio: null,
    firstSeenAt: T0 + 1500,
    lastSeenAt: T0 + 1500,
  };
  expect(m.snapshot()).toEqual({
    generatedAt: T0 + 4000,
    startedAt: T0,
    uptimeSeconds: 4,
    totals: {
      requests: 4,
      errors: 1,
      clientClosed: 1,
      inFlight: 0,
      retries: 4,
      bytesIn: 1600,
      bytesOut: 5900,
      tokens: {
        input: 58,
        output: 200,
        outputEstimated: 0,
        cacheWrite: 2048,
        cacheWrite1h: 0,
        cacheRead: 8192,
        reasoning: 0,
      },
      costUsd: costA + costD,
      unpricedRequests: 1,
      scrubHits: 2,
    },
    outcomes: { ok: 2, error: 1, incomplete: 0, client_closed: 1 },
    statusCodes: { "200": 2, "429": 1, "499": 1 },
    latency: {
      windowSeconds: 10,
      requests: 4,
      latencyMs: { p50: 1200, p90: 5000, p99: 5000 },
      ttfbRequests: 3,
      ttfbMs: { p50: 300, p90: 400, p99: 400 },
    },
    series: {
      startSec: S0 - 5,
      stepSec: 1,
      requests: [0, 0, 0, 0, 0, 1, 1, 1, 1, 0],
      errors: [0, 0, 0, 0, 0, 0, 1, 0, 0, 0],
      outputTokens: [0, 0, 0, 0, 0, 187, 0, 12, 1, 0],
      bytesIn: [0, 0, 0, 0, 0, 1000, 200, 300, 100, 0],
      bytesOut: [0, 0, 0, 0, 0, 5000, 150, 700, 50, 0],
      inFlight: [0, 0, 0, 0, 0, 2, 1, 1, 1, 0],
      latencyP50Ms: [null, null, null, null, null, 1200, 80, 2500, 5000, null],
    },
    byModel: [
      { ...rowAD, key: "claude-sonnet-4-5" },
      { ...rowC, key: "my-finetune" },
      { ...rowB, key: "gpt-4o-mini" },
    ],
    byUpstream: [
      { ...rowAD, key: "anthropic" },
      { ...rowC, key: "gemini" },
      { ...rowB, key: "openai" },
    ],
    byClient: [
      { ...rowAD, key: "alice" },
      { ...rowC, key: "bob" },
      { ...rowB, key: "anonymous" },
    ],
    bySession: [
      {
        key: "s2",
        requests: 1,
        errors: 0,
        tokens: { ...zero, input: 5, output: 1 },
        costUsd: costD,
        unpricedRequests: 0,
        cacheHitRatio: 0,
        firstSeenAt: T0 + 3200,
        lastSeenAt: T0 + 3200,
      },
      {
        key: "s1",
        requests: 2,
        errors: 0,
        tokens: {
          input: 53,
          output: 199,
          outputEstimated: 0,
          cacheWrite: 2048,
          cacheWrite1h: 0,
          cacheRead: 8192,
          reasoning: 0,
        },
        costUsd: costA,
        unpricedRequests: 1,
        cacheHitRatio: 8192 / 10293,
        firstSeenAt: T0 + 500,
        lastSeenAt: T0 + 2500,
      },
    ],
    limits: { maxKeysPerBreakdown: 200, sessionsEvicted: 0, recentCapacity: 3 },
    recent: [d, c, b],
  });
});

test("snapshot({ recent }) limits the recent list, newest first", () => {
  const m = createRecorder({ now: () => T0 });
  const recs = [1, 2, 3].map((n) => record({ id: `r${n}` }));
  for (const r of recs) {
    m.begin();
    m.end(r);
  }
  expect(m.snapshot({ recent: 2 }).recent.map((r) => r.id)).toEqual(["r3", "r2"]);
});

test("an empty recorder reports zeros and null percentiles", () => {
  const m = createRecorder({ now: () => T0, seriesSeconds: 3 });
  const s = m.snapshot();
  expect(s.totals.requests).toBe(0);
  expect(s.latency.latencyMs).toEqual({ p50: null, p90: null, p99: null });
  expect(s.series.requests).toEqual([0, 0, 0]);
  expect(s.byModel).toEqual([]);
  expect(s.recent).toEqual([]);
});

test("end without begin never drives in-flight below zero", () => {
  const m = createRecorder({ now: () => T0 });
  m.end(record({}));
  expect(m.snapshot().totals.inFlight).toBe(0);
});

test("incomplete streams and 5xx count as errors; a 4xx with outcome ok does too", () => {
  const m = createRecorder({ now: () => T0 });
  m.end(record({ outcome: "incomplete", status: 200 }));
  m.end(record({ outcome: "error", status: 502 }));
  m.end(record({ outcome: "ok", status: 404 }));
  m.end(record({ outcome: "ok", status: 200 }));
  m.end(record({ outcome: "client_closed", status: 499 }));
  expect(m.snapshot().totals.errors).toBe(3);
});
