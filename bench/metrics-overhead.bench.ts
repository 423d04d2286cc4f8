// What metrics recording costs a request through sluice: the same mock upstream behind three
// in-process sluices — metrics off (a no-op observer), metrics on, and metrics on with three
// dashboards following /metrics/stream — driven in interleaved rounds in one run. Prints
// throughput and latency per variant and the ratios to "off". No assertions:
// `bun bench/metrics-overhead.bench.ts [requests-per-round] [concurrency] [rounds]`.
import { loadConfig } from "../src/config/load.ts";
import { silentLogger } from "../src/log.ts";
import { createMetrics, type Metrics } from "../src/metrics/hub.ts";
import { startMockUpstream } from "../src/mock-upstream/index.ts";
import { type RunningServer, startServer } from "../src/server.ts";

const PER_ROUND = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 16);
const ROUNDS = Number(process.argv[4] ?? 6);

const mock = startMockUpstream({ port: 0 });
const loaded = loadConfig({
  env: {
    SLUICE_HOST: "127.0.0.1",
    SLUICE_PORT: "0",
    SLUICE_DASHBOARD_PORT: "0",
    SLUICE_TLS: "off",
    SLUICE_ANTHROPIC_BASE_URL: mock.url,
    SLUICE_LOG_LEVEL: "error",
  },
  defaultFiles: [],
});
if (!loaded.ok) throw new Error(loaded.errors.join("; "));
const config = loaded.config;

/** Metrics that exist (the routes need them) but never see an exchange. */
function metricsOff(): Metrics {
  return { ...createMetrics(), observer: {} };
}

/** Metrics on, with the time spent inside the observer's hooks measured per request. */
const hookTime = { ns: 0, calls: 0 };
function metricsTimed(): Metrics {
  const m = createMetrics();
  const inner = m.observer;
  return {
    ...m,
    observer: {
      onStart(ex) {
        const t = Bun.nanoseconds();
        inner.onStart?.(ex);
        hookTime.ns += Bun.nanoseconds() - t;
      },
      onEnd(ex) {
        const t = Bun.nanoseconds();
        inner.onEnd?.(ex);
        hookTime.ns += Bun.nanoseconds() - t;
        hookTime.calls++;
      },
    },
  };
}

interface Variant {
  name: string;
  server: RunningServer;
  rps: number[];
  meanMs: number[];
}

async function variant(name: string, metrics: Metrics | undefined, dashboards = 0): Promise<Variant> {
  const server = await startServer(config, { log: silentLogger, ...(metrics ? { metrics } : {}) });
  if (dashboards > 0) {
    server.app.admin.listen({ hostname: "127.0.0.1", port: 0, idleTimeout: 0 });
    const url = `http://127.0.0.1:${server.app.admin.server!.port}/metrics/stream`;
    for (let i = 0; i < dashboards; i++) {
      const r = await fetch(url);
      // Drain it like a browser would, for as long as the process lives.
      void r.body?.pipeTo(new WritableStream());
    }
  }
  return { name, server, rps: [], meanMs: [] };
}

const body = (stream: boolean) =>
  JSON.stringify({
    model: "claude-sonnet-4-5",
    max_tokens: 64,
    stream,
    messages: [{ role: "user", content: "benchmark the metrics recorder please" }],
  });
const BODIES = [body(false), body(true)];

async function round(v: Variant, n: number): Promise<void> {
  let next = 0;
  let totalMs = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const t = performance.now();
      const r = await fetch(`${v.server.url}/v1/messages`, {
        method: "POST",
        headers: {
          "anthropic-version": "2023-06-01",
          "content-type": "application/json",
          "x-claude-code-session-id": `s-${i % 40}`,
        },
        body: BODIES[i % 2]!,
      });
      await r.arrayBuffer();
      totalMs += performance.now() - t;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - start) / 1000;
  v.rps.push(n / seconds);
  v.meanMs.push(totalMs / n);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

const variants = [
  await variant("metrics off", metricsOff()),
  await variant("metrics on", metricsTimed()),
  await variant("metrics on + 3 dashboards", undefined, 3),
];

// Warm-up: JIT, connection pools, the mock's caches.
for (const v of variants) await round(v, Math.min(500, PER_ROUND));
for (const v of variants) {
  v.rps.length = 0;
  v.meanMs.length = 0;
}
// Interleaved, so drift in the machine's load hits every variant alike.
// Rotated, so no variant always runs first (or right after the same neighbour).
for (let r = 0; r < ROUNDS; r++) {
  for (let k = 0; k < variants.length; k++) await round(variants[(r + k) % variants.length]!, PER_ROUND);
}

const fmt = (n: number, d = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const base = variants[0]!;
console.log(
  `${ROUNDS} rounds x ${PER_ROUND} requests, concurrency ${CONCURRENCY}, half streamed (Bun ${Bun.version})`,
);
console.log("variant                      req/s (median)   mean latency   throughput ratio   latency ratio");
for (const v of variants) {
  const rps = median(v.rps);
  const ms = median(v.meanMs);
  console.log(
    `${v.name.padEnd(28)} ${fmt(rps).padStart(14)}   ${`${fmt(ms, 2)} ms`.padStart(12)}   ${fmt(rps / median(base.rps), 3).padStart(16)}   ${fmt(ms / median(base.meanMs), 3).padStart(13)}`,
  );
}
const recorded = variants[1]!.server.app.metrics.view(0).totals.requests;
console.log(
  `(metrics on recorded ${fmt(recorded)} requests; metrics off recorded ${fmt(base.server.app.metrics.view(0).totals.requests)})`,
);

const perRequestUs = hookTime.ns / Math.max(1, hookTime.calls) / 1000;
console.log(
  `recording itself (onStart + onEnd, measured inside "metrics on"): ${fmt(perRequestUs, 2)} µs per request = ${fmt((100 * perRequestUs) / (median(variants[1]!.meanMs) * 1000), 3)}% of its mean latency`,
);

for (const v of variants) await v.server.shutdown(0);
await mock.stop();
process.exit(0);
