// The metrics observer turns each finished Exchange into one RequestRecord and keeps the
// in-flight count from onStart to onEnd.
import { expect, test } from "bun:test";
import { createCounters } from "../../../src/metrics/counters.ts";
import { createMetricsObserver, toRecord } from "../../../src/metrics/observer.ts";
import { createRecorder } from "../../../src/metrics/recorder.ts";
import { type Exchange, newExchange } from "../../../src/proxy/exchange.ts";

function finished(fields: Partial<Exchange>): Exchange {
  return {
    ...newExchange("POST", "/v1/messages", "anthropic", "anthropic"),
    status: 200,
    durationMs: 120,
    ttfbMs: 40,
    bytesIn: 300,
    bytesOut: 900,
    ...fields,
  };
}

test("a record keeps counts, names and timings, and names the provider a route picked", () => {
  const ex = finished({
    routedTo: "local",
    model: "qwen2.5-coder",
    requestModel: "claude-haiku-4-5",
    client: "alice",
    sessionId: "s-1",
    retries: 2,
    usage: { inputTokens: 5, outputTokens: 7, cacheWriteTokens: 1, cacheReadTokens: 2, reasoningTokens: 0 },
    costUsd: 0.5,
    scrubHits: { aws_access_key: 2, github_token: 1 },
    error: "upstream said no",
  });
  const rec = toRecord(ex);
  expect(rec).toEqual({
    id: ex.id,
    startedAt: ex.startedAt,
    method: "POST",
    path: "/v1/messages",
    upstream: "local",
    model: "qwen2.5-coder",
    client: "alice",
    sessionId: "s-1",
    status: 200,
    outcome: "ok",
    bytesIn: 300,
    bytesOut: 900,
    durationMs: 120,
    ttfbMs: 40,
    retries: 2,
    usage: ex.usage,
    costUsd: 0.5,
    scrubHits: 3,
  });
  expect(JSON.stringify(rec)).not.toContain("upstream said no");
});

test("without a route the record names the upstream the path picked", () => {
  expect(toRecord(finished({})).upstream).toBe("anthropic");
  expect(toRecord(finished({})).scrubHits).toBeUndefined();
});

test("onStart counts a request in flight until onEnd records it", () => {
  const recorder = createRecorder();
  const obs = createMetricsObserver(recorder);
  const a = finished({});
  const b = finished({ status: 502, outcome: "error" });
  obs.onStart?.(a);
  obs.onStart?.(b);
  expect(recorder.snapshot().totals.inFlight).toBe(2);
  obs.onEnd?.(a);
  expect(recorder.snapshot().totals.inFlight).toBe(1);
  obs.onEnd?.(b);
  const s = recorder.snapshot();
  expect(s.totals).toMatchObject({ inFlight: 0, requests: 2, errors: 1 });
  expect(s.recent.map((r) => r.id)).toEqual([b.id, a.id]);
});

test("scrub hits are counted per detector, translation drops per feature, fallbacks per provider", () => {
  const counters = createCounters();
  const recorder = createRecorder();
  const obs = createMetricsObserver(recorder, counters);
  obs.onEnd?.(finished({ scrubHits: { aws_access_key: 2 }, dropped: ["betas", "cache_control"] }));
  obs.onEnd?.(
    finished({ scrubHits: { aws_access_key: 1, email: 4 }, dropped: ["betas"], fallback: "local" }),
  );
  expect(counters.snapshot()).toEqual({
    scrubHitsByDetector: { aws_access_key: 3, email: 4 },
    translationDrops: { betas: 2, cache_control: 1 },
    fallbacks: { local: 1 },
    breakerOpens: {},
    extra: {},
    sections: {},
  });
  expect(recorder.snapshot().recent[0]?.fallback).toBe("local");
  expect(counters.prometheus()).toContain('sluice_fallbacks_total{provider="local"} 1');
});
