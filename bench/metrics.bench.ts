// Recording cost of the metrics recorder: ops/sec of recorder.end() against a baseline loop that
// hands the same records to a no-op sink, printed as a ratio. A plain script, no assertions:
// `bun bench/metrics.bench.ts`.

import { createRecorder, type RequestRecord } from "../src/metrics/recorder.ts";

const N = 1_000_000;
const MODELS = ["claude-sonnet-4-5", "claude-haiku-4-5", "gpt-4o-mini", "gpt-5", "gemini-2.5-flash"];

function makeRecords(count: number): RequestRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `req-${i}`,
    startedAt: 1_763_712_000_000 + i,
    method: "POST",
    path: "/v1/messages",
    upstream: i % 3 === 0 ? "openai" : "anthropic",
    model: MODELS[i % MODELS.length],
    client: `client-${i % 7}`,
    sessionId: `session-${i % 500}`,
    status: i % 50 === 0 ? 529 : 200,
    outcome: i % 50 === 0 ? "error" : "ok",
    bytesIn: 2000 + (i % 300),
    bytesOut: 9000 + (i % 900),
    durationMs: 50 + ((i * 37) % 5000),
    ttfbMs: 20 + (i % 400),
    retries: i % 50 === 0 ? 1 : 0,
    usage: {
      inputTokens: 12,
      outputTokens: 180,
      cacheWriteTokens: 0,
      cacheReadTokens: 4096,
      reasoningTokens: 0,
    },
    costUsd: 0.004,
  }));
}

const records = makeRecords(4096);
let sink = 0;
const noop = (rec: RequestRecord): void => {
  sink += rec.bytesIn;
};

function opsPerSec(run: (rec: RequestRecord) => void): number {
  for (let i = 0; i < 50_000; i++) run(records[i & 4095]!); // warm-up
  const start = Bun.nanoseconds();
  for (let i = 0; i < N; i++) run(records[i & 4095]!);
  return N / ((Bun.nanoseconds() - start) / 1e9);
}

// A clock that advances 1 ms per call, so the per-second series really rolls.
let fakeNow = 1_763_712_000_000;
const recorder = createRecorder({ now: () => fakeNow++ });

const baseline = opsPerSec(noop);
const recording = opsPerSec((rec) => {
  recorder.begin();
  recorder.end(rec);
});

const t0 = Bun.nanoseconds();
const snapshot = recorder.snapshot({ recent: 50 });
const t1 = Bun.nanoseconds();
const text = recorder.prometheus();
const t2 = Bun.nanoseconds();

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
console.log(`baseline loop      ${fmt(baseline)} ops/s`);
console.log(`begin()+end()      ${fmt(recording)} ops/s`);
console.log(`ratio              ${(recording / baseline).toFixed(4)} (recording / baseline)`);
console.log(`cost per record    ${(1e9 / recording - 1e9 / baseline).toFixed(0)} ns over the baseline`);
console.log(
  `snapshot()         ${((t1 - t0) / 1e6).toFixed(2)} ms (${snapshot.totals.requests} requests recorded)`,
);
console.log(`prometheus()       ${((t2 - t1) / 1e6).toFixed(2)} ms (${text.length} bytes)`);
if (sink === 0) console.log("(sink)");
