// What the default ledger costs the thread that serves the clients, in process and without the
// noise of a load generator: `bun bench/ledger.bench.ts [seconds] [rate]` feeds finished
// exchanges to the ledger's observer at `rate` calls per second (3000 by default, what this
// machine serves at concurrency 64) for `seconds` (20), with a table already holding
// LEDGER_PRELOAD rows (300,000: a busy day), the dashboard's cost-per-day chart on, and reports:
// CPU of the main thread and of the whole process per call (from /proc, so a worker thread's
// share is apart), the longest stall of a 1 ms ticker on the event loop, and rows written.
// LEDGER_OFF=1 makes the same exchanges without handing them over: the driver's own cost.
// Runs against the tree it sits in; copy it into another checkout to compare the two.
// No assertions.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSpendTracker } from "../src/gateway/spend.ts";
import * as daily from "../src/ledger/daily.ts";
import { createLedger, openStore } from "../src/ledger/ledger.ts";
import type { LedgerRow } from "../src/ledger/row.ts";
import { openSqliteStore } from "../src/ledger/sqlite.ts";
import type { LedgerWriter } from "../src/ledger/writer.ts";
import { silentLogger } from "../src/log.ts";
import { newExchange } from "../src/proxy/exchange.ts";

const SECONDS = Number(process.argv[2] ?? 20);
const RATE = Number(process.argv[3] ?? 3000);
const PRELOAD = Number(process.env.LEDGER_PRELOAD ?? 300_000);
const OFF = process.env.LEDGER_OFF === "1";
const TICK_MS = 10;

/** utime + stime of one thread of this process, in µs (USER_HZ is 100). */
const threadCpuUs = (tid: number): number => {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * 10_000;
};
const processCpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

const dir = mkdtempSync(join(tmpdir(), "sluice-ledger-bench-"));
const path = join(dir, "sluice.db");
if (PRELOAD > 0) {
  const seed = openSqliteStore(path);
  await seed.migrate();
  const now = Date.now();
  const rows: LedgerRow[] = [];
  for (let i = 0; i < PRELOAD; i++) {
    rows.push({
      ts: now - Math.floor((i / PRELOAD) * 86_400_000),
      request_id: `seed-${i}`,
      key_name: null,
      session_id: null,
      method: "POST",
      path: "/v1/messages",
      api: "anthropic",
      provider: "anthropic",
      model_requested: "claude-sonnet-4-5",
      model: "claude-sonnet-4-5",
      status: 200,
      outcome: "ok",
      error_kind: null,
      stream: 1,
      input_tokens: 12,
      output_tokens: 100,
      cache_write_5m_tokens: 0,
      cache_write_1h_tokens: 0,
      cache_read_tokens: 0,
      reasoning_tokens: 0,
      tokens_estimated: 0,
      cost_usd: 0.001,
      ttfb_ms: 1.2,
      duration_ms: 2.3,
      retries: 0,
      fallback: null,
      scrub_hits: 0,
      bytes_in: 300,
      bytes_out: 400,
    });
    if (rows.length === 5000) await seed.insert(rows.splice(0));
  }
  await seed.insert(rows);
  await seed.close();
}

const ledger = createLedger(openStore({ kind: "sqlite", path }), {
  retentionDays: 90,
  spend: createSpendTracker(),
  log: silentLogger,
});
// Older trees made the chart beside the ledger, reading it every 15 s.
if (!("daily" in (ledger as object))) {
  (daily.createDailyCost as unknown as (w: LedgerWriter) => unknown)(ledger.writer);
}
if (!(await ledger.ready(30_000))) throw new Error("the ledger did not get ready");

let stall = 0;
const stalls = [0, 0, 0];
let last = performance.now();
const ticker = setInterval(() => {
  const t = performance.now();
  const gap = t - last;
  stall = Math.max(stall, gap);
  if (gap > 100) stalls[2]!++;
  else if (gap > 50) stalls[1]!++;
  else if (gap > 20) stalls[0]!++;
  last = t;
}, 1);

const perTick = Math.round((RATE * TICK_MS) / 1000);
const main0 = threadCpuUs(process.pid);
const all0 = processCpuUs();
const until = performance.now() + SECONDS * 1000;
let calls = 0;
while (performance.now() < until) {
  for (let i = 0; i < perTick; i++) {
    const ex = newExchange("POST", "/v1/messages", "anthropic", "anthropic");
    Object.assign(ex, {
      status: 200,
      requestModel: "claude-sonnet-4-5",
      model: "claude-sonnet-4-5",
      stream: true,
      usage: {
        inputTokens: 12,
        outputTokens: 187,
        cacheWriteTokens: 0,
        cacheReadTokens: 0,
        reasoningTokens: 0,
      },
      costUsd: 0.0123,
      ttfbMs: 1.2,
      durationMs: 3.4,
      bytesIn: 900,
      bytesOut: 2500,
    });
    if (!OFF) ledger.observer.onEnd?.(ex);
    calls++;
  }
  await Bun.sleep(TICK_MS);
}
const mainUs = threadCpuUs(process.pid) - main0;
const allUs = processCpuUs() - all0;
clearInterval(ticker);
const tail = performance.now();
await ledger.close(10_000);
const stats = ledger.writer.stats();
console.log(
  `${calls} calls at ${RATE}/s over ${SECONDS} s on a table of ${PRELOAD} rows: main thread ${(
    mainUs / calls
  ).toFixed(
    2,
  )} µs/call, whole process ${(allUs / calls).toFixed(2)} µs/call (the driver's own work included in both), ` +
    `longest event-loop stall ${stall.toFixed(1)} ms (${stalls.join(" / ")} over 20 / 50 / 100 ms), close ${(performance.now() - tail).toFixed(0)} ms, ` +
    `written ${stats.written}, dropped ${stats.dropped}`,
);
rmSync(dir, { recursive: true, force: true });
