// `make bench`: every scenario in one run, side by side on one mock upstream, written to
// bench/RESULTS.md (and bench/output/results.json). Targets: direct, nginx (plain, TLS, one
// worker), the Portkey gateway (Node and Bun), a bare Bun proxy (the floor) and the same routed
// by Elysia, and sluice at its defaults plus one row per setting that changes (log level warn,
// TLS, scrubbing, ledger off, Langfuse, OpenTelemetry export with and without content); then thousands of concurrent streams direct and
// through sluice, start-up time, and small requests while four 10 MiB bodies full of fake keys
// are scrubbed (issue 10). Promises: loopback only; bounded (about 11 minutes on 2
// cores; BENCH_QUICK=1 for a short run); stops every process it started, also on Ctrl-C; prints
// ratios, never fails on a timing.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCollector } from "./lib/collector.ts";
import { busyShare, describeMachine, gitDescribe, watchLoad, withFetchLimit } from "./lib/machine.ts";
import { answers, freePort, spawnService, waitUntil } from "./lib/procs.ts";
import {
  type BenchResults,
  type MicroRun,
  microVerdicts,
  renderResults,
  type TargetRun,
} from "./lib/report.ts";
import { bigScrubVerdict } from "./lib/report-big-scrub.ts";
import { FAKE_KEY, JSON_SHAPE } from "./lib/request.ts";
import { SLUICE_VARIANTS, type SluiceVariant, startSluice } from "./lib/sluice-target.ts";
import { type BenchEnv, direct, startBareBun, startNginx, startPortkey, type Target } from "./lib/targets.ts";
import { ensureNginx, ensurePortkey, ensureWrk, nodeVersion } from "./lib/tools.ts";
import { issue7Verdicts, issue14Verdicts } from "./lib/verdicts.ts";
import { bigScrub, bigScrubFailed } from "./scenarios/big-scrub.ts";
import { interleavedC1 } from "./scenarios/interleaved-c1.ts";
import { interleavedCpu } from "./scenarios/interleaved-cpu.ts";
import { manyStreams } from "./scenarios/many-streams.ts";
import { nonStreamed, SSE_SHAPE } from "./scenarios/nonstream.ts";
import { startup } from "./scenarios/startup.ts";
import { streamLatency } from "./scenarios/stream-latency.ts";

await withFetchLimit();

const ROOT = join(import.meta.dir, "..");
const QUICK = process.env.BENCH_QUICK === "1";
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 2 : 4));
const STREAMS = Number(process.env.BENCH_STREAMS ?? (QUICK ? 500 : 4000));
const STREAM = { streams: QUICK ? 10 : 30, events: 20, gapMs: 5 };
/** Long streams: 50 deltas 200 ms apart (10 s each), opened over 4 s. */
const MANY = { events: QUICK ? 15 : 50, gapMs: 200, rampMs: 4000, settleMs: QUICK ? 2000 : 10_000 };
const say = (s: string) => process.stderr.write(`bench: ${s}\n`);

const began = performance.now();
const busyBefore = await busyShare();
const load = watchLoad();
const sluice = process.env.SLUICE_BIN ?? join(ROOT, "dist", "sluice");
if (!(await Bun.file(sluice).exists())) {
  say(`no binary at ${sluice}: run make build (make bench does)`);
  process.exit(1);
}
const tmp = mkdtempSync(join(tmpdir(), "sluice-bench-"));
chmodSync(tmp, 0o755); // nginx runs as nobody and must reach its directory
const cleanups: (() => Promise<void>)[] = [];
const cleanup = async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
};
process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));
process.on("SIGTERM", () => void cleanup().then(() => process.exit(143)));

const text = (cmd: string[]) =>
  Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe" }).stdout.toString().trim();

try {
  const certDir = join(tmp, "certs");
  Bun.spawnSync([sluice, "certs", "--dir", certDir], { stdout: "ignore", stderr: "inherit" });
  const wrk = ensureWrk();
  const nginx = ensureNginx();
  const portkey = ensurePortkey();
  const notes: string[] = [];
  for (const [name, tool] of [
    ["wrk", wrk],
    ["nginx", nginx],
    ["Portkey", portkey],
  ] as const) {
    if (!tool.ok) notes.push(`${name} skipped: ${tool.reason}`);
  }
  if (!wrk.ok) notes.push("non-streamed load ran on the Bun load generator (bench/lib/load-bun.ts), not wrk");

  const mockPort = freePort();
  const mock = spawnService("mock-upstream", [sluice, "mock-upstream", "--port", String(mockPort)], {
    logDir: tmp,
  });
  cleanups.push(() => mock.stop());
  const mockUrl = `http://127.0.0.1:${mockPort}`;
  if ((await waitUntil(() => answers(`${mockUrl}/__mock/requests`), 10_000)) === undefined) {
    throw new Error("the mock upstream did not start");
  }
  const collector = startCollector();
  cleanups.push(async () => collector.stop());
  const env: BenchEnv = {
    sluice,
    bun: process.execPath,
    mockPort,
    mockUrl,
    tmp,
    certs: { cert: join(certDir, "server.crt"), key: join(certDir, "server.key") },
    collectorUrl: collector.url,
  };
  const sluiceRow = (v: SluiceVariant): [string, string, () => Promise<Target>] => [
    `sluice-${v}`,
    SLUICE_VARIANTS[v].label,
    () => startSluice(env, v),
  ];

  const plan: [id: string, label: string, start: () => Promise<Target> | Target][] = [
    ["direct", "direct to the mock (the limit)", () => direct(env)],
    ["nginx", "nginx", () => (nginx.ok ? startNginx(env, nginx.value, false) : skip(nginx.reason))],
    ["nginx-tls", "nginx, TLS", () => (nginx.ok ? startNginx(env, nginx.value, true) : skip(nginx.reason))],
    [
      "nginx-1w",
      "nginx, 1 worker process",
      () => (nginx.ok ? startNginx(env, nginx.value, false, 1) : skip(nginx.reason)),
    ],
    [
      "portkey-node",
      "Portkey gateway on Node",
      () =>
        portkey.ok && portkey.value.node ? startPortkey(env, portkey.value, "node") : skip("no Portkey/Node"),
    ],
    [
      "portkey-bun",
      "Portkey gateway on Bun",
      () => (portkey.ok ? startPortkey(env, portkey.value, "bun") : skip("no Portkey")),
    ],
    ["bare-bun", "bare Bun.serve + fetch", () => startBareBun(env)],
    ["bare-elysia", "the same routed by Elysia", () => startBareBun(env, "bare-elysia")],
    sluiceRow("defaults"),
    sluiceRow("warn"),
    sluiceRow("tls"),
    sluiceRow("scrub"),
    sluiceRow("no-ledger"),
    sluiceRow("langfuse"),
    sluiceRow("otel"),
    sluiceRow("otel-content"),
  ];

  const runs: TargetRun[] = [];
  for (const [i, [id, label, start]] of plan.entries()) {
    let target: Target;
    try {
      target = await start();
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).split("\n")[0]!;
      say(`[${i + 1}/${plan.length}] ${label}: skipped (${reason})`);
      runs.push({ id, label, notes: [], skipped: `skipped: ${reason}` });
      continue;
    }
    cleanups.push(() => target.stop());
    const exportsBefore = collector.received();
    const nonStream = await nonStreamed(target, {
      ...(wrk.ok ? { wrk: wrk.value } : {}),
      tmp,
      seconds: SECONDS,
      warmSeconds: 1,
    });
    if (id === "sluice-scrub") target.notes.push(await scrubCheck(mockUrl));
    if (target.adminUrl) target.notes.push(await metricsCheck(target.adminUrl));
    if (id === "sluice-langfuse" || id.startsWith("sluice-otel")) {
      const got = collector.received();
      target.notes.push(
        `telemetry on: the collector received ${got.langfuse - exportsBefore.langfuse} Langfuse and ` +
          `${got.otlp - exportsBefore.otlp} OTLP exports (${((got.bytes - exportsBefore.bytes) / 1e6).toFixed(1)} MB)`,
      );
    }
    const stream = await streamLatency(target, STREAM);
    if (stream.complete === 0 && stream.error) {
      const why = target.log ? readFileSync(target.log, "utf8").match(/\w*Error: [^\n]*/)?.[0] : undefined;
      target.notes.push(`streaming failed: ${stream.error}${why ? `; its log says "${why}"` : ""}`);
    }
    await target.stop();
    const run: TargetRun = { id, label: target.label, notes: target.notes, nonStream, stream };
    if (target.readyMs !== undefined) run.readyMs = target.readyMs;
    runs.push(run);
    say(
      `[${i + 1}/${plan.length}] ${target.label}: p50 ${nonStream.c1?.p50Ms.toFixed(3)} ms, ` +
        `${Math.round(nonStream.c64?.rps ?? 0)} req/s, TTFB ${stream.ttfbP50Ms.toFixed(2)} ms${nonStream.error ? ` (${nonStream.error})` : ""}`,
    );
  }

  say("concurrency 1, interleaved: direct, bare Bun, sluice at its defaults");
  const shortLoad = { ...(wrk.ok ? { wrk: wrk.value } : {}), tmp, seconds: QUICK ? 1 : 2, warmSeconds: 1 };
  const interleaved = await withTargets(
    [() => direct(env), () => startBareBun(env), () => startSluice(env, "defaults")],
    (targets) =>
      interleavedC1(targets, {
        ...shortLoad,
        rounds: QUICK ? 2 : 5,
        streams: QUICK ? 5 : 10,
        events: STREAM.events,
        gapMs: STREAM.gapMs,
      }),
    (error) => ({ rounds: 0, secondsPerRound: 0, streamsPerRound: 0, rows: [], error }),
  );

  say("CPU per request at 64 connections, interleaved: bare Bun and every sluice row");
  const cpuRows = ["defaults", "warn", "no-ledger", "scrub", "langfuse", "otel", "otel-content"] as const;
  const interleavedCpuResult = await withTargets(
    [() => startBareBun(env), ...cpuRows.map((v) => () => startSluice(env, v))],
    (targets) =>
      interleavedCpu(targets, {
        ...shortLoad,
        rounds: QUICK ? 2 : 4,
        shapes: [
          ["json", JSON_SHAPE],
          ["sse", SSE_SHAPE],
        ],
        onRound: (round) => {
          say(`  round ${round} done`);
        },
      }),
    (error) => ({ rounds: 0, secondsPerRound: 0, rows: [], error }),
  );

  const many = [];
  for (const [label, start] of [
    ["direct to the mock", async () => direct(env)],
    ["sluice at its defaults, plain HTTP", () => startSluice(env, "defaults")],
    ["sluice at its defaults, TLS", () => startSluice(env, "tls")],
  ] as const) {
    say(`${STREAMS} streams: ${label}`);
    many.push(
      await manyStreams(start, { label, streams: STREAMS, mockPort, ...MANY }).catch((err: unknown) => ({
        label,
        streams: STREAMS,
        ends: {},
        peakRssKb: Number.NaN,
        peakFds: Number.NaN,
        peakUpstreamSockets: Number.NaN,
        ttfbP50Ms: Number.NaN,
        ttfbMaxMs: Number.NaN,
        wallSeconds: 0,
        error: String(err).split("\n")[0]!,
      })),
    );
  }

  say("start-up times");
  const starts = [await startup(env, "defaults", QUICK ? 3 : 10), await startup(env, "tls", QUICK ? 3 : 10)];

  say("small requests while big match-heavy bodies are scrubbed");
  const big = await bigScrub(env, {
    bodies: 4,
    keys: QUICK ? 100_000 : 500_000,
    clients: 4,
    baselineSeconds: QUICK ? 2 : 5,
  }).catch((err: unknown) => bigScrubFailed(String(err).split("\n")[0]!));

  const micro: MicroRun[] = [];
  for (const [id, title, script] of [
    ["scrub", "Secret scrubbing and restore (issue 5)", "bench/scrub.bench.ts"],
    ["metrics", "Metrics recording on the request path (issue 3)", "bench/metrics-overhead.bench.ts"],
    ["otel", "OpenTelemetry export per call, split by where it is paid (issue 15)", "bench/otel.bench.ts"],
  ] as const) {
    say(title);
    const run = Bun.spawnSync([process.execPath, join(ROOT, script)], {
      cwd: ROOT,
      stdout: "pipe",
      stderr: "pipe",
    });
    const output =
      run.stdout.toString() + (run.exitCode === 0 ? "" : `\n(exit ${run.exitCode}) ${run.stderr}`);
    micro.push({ id, title, command: `bun ${script}`, output });
  }

  const versions = [
    `sluice: ${text([sluice, "--version"])} (${sluice.replace(`${ROOT}/`, "")}, source ${gitDescribe(ROOT) || "unknown"})`,
    ...(nginx.ok
      ? [`nginx: ${nginx.version}, worker_processes auto (${navigator.hardwareConcurrency}), access_log off`]
      : []),
    ...(portkey.ok
      ? [
          `Portkey: ${portkey.version}${portkey.value.node ? `, Node ${nodeVersion(portkey.value.node)}` : ""}, Bun ${Bun.version}`,
        ]
      : []),
    `load generator: ${wrk.ok ? `${wrk.version}, 1 thread` : `Bun ${Bun.version} fetch (wrk unavailable)`}`,
  ];
  const settings = [
    `non-streamed: 1 s warm-up at 8 connections, then ${SECONDS} s at 1 connection and ${SECONDS} s at 64`,
    `streamed: ${STREAM.streams} streams one after another (after 3 warm-up), ${STREAM.events} deltas ${STREAM.gapMs} ms apart at the mock`,
    `short streams under load: wrk at 64 connections, ${SECONDS} s, 20 deltas per stream with no gap at the mock`,
    `many streams: ${STREAMS} streams opened over ${MANY.rampMs / 1000} s, each ${MANY.events} deltas ${MANY.gapMs} ms apart (${((MANY.events * MANY.gapMs) / 1000).toFixed(0)} s long); settled = ${MANY.settleMs / 1000} s after the end`,
    "sluice: BUN_CONFIG_MAX_HTTP_REQUESTS=4096 as deploy/ and the Dockerfile set it",
  ];
  const rows = (Object.keys(SLUICE_VARIANTS) as SluiceVariant[]).map((v) => ({
    label: SLUICE_VARIANTS[v].label,
    changes: SLUICE_VARIANTS[v].changes,
  }));
  const results: BenchResults = {
    date: `${new Date().toISOString().replace("T", " ").slice(0, 16)} UTC`,
    wallSeconds: (performance.now() - began) / 1000,
    machine: describeMachine(busyBefore, load.stop()),
    versions,
    settings,
    rows,
    runs,
    many,
    startup: starts,
    interleaved,
    interleavedCpu: interleavedCpuResult,
    bigScrub: big,
    micro,
    notes,
  };
  writeFileSync(join(import.meta.dir, "RESULTS.md"), renderResults(results));
  mkdirSync(join(import.meta.dir, "output"), { recursive: true });
  writeFileSync(join(import.meta.dir, "output", "results.json"), JSON.stringify(results, null, 2));
  process.stdout.write(
    `${[...issue14Verdicts(results), ...issue7Verdicts(results), ...bigScrubVerdict(big), ...microVerdicts(results)].join("\n")}\nwrote bench/RESULTS.md\n`,
  );
} catch (err) {
  say(`failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}

/**
 * Starts the targets, runs one scenario over all of them and stops them, whatever happened; a
 * target that does not start is the scenario's error (`failed`).
 */
async function withTargets<R>(
  starts: (() => Promise<Target> | Target)[],
  run: (targets: Target[]) => Promise<R>,
  failed: (error: string) => R,
): Promise<R> {
  const targets: Target[] = [];
  try {
    for (const start of starts) targets.push(await start());
    return await run(targets);
  } catch (err) {
    return failed((err instanceof Error ? err.message : String(err)).split("\n")[0]!);
  } finally {
    for (const t of targets) await Promise.resolve(t.stop()).catch(() => {});
  }
}

function skip(reason: string): never {
  throw new Error(reason);
}

/** Did the fake key reach the mock? (Scrubbing on: it must not.) */
async function scrubCheck(mockUrl: string): Promise<string> {
  const log = (await (await fetch(`${mockUrl}/__mock/requests`)).json()) as { requests: { body: string }[] };
  const last = log.requests.at(-1)?.body ?? "";
  return last.includes(FAKE_KEY)
    ? "scrubbing had NO effect: the fake AWS key reached the upstream unchanged"
    : "scrubbing active: the fake AWS key in every request was replaced before the upstream";
}

async function metricsCheck(adminUrl: string): Promise<string> {
  try {
    const m = (await (await fetch(`${adminUrl}/metrics`)).json()) as { totals?: { requests?: number } };
    return `metrics on: /metrics counted ${m.totals?.requests ?? "?"} requests while scraped every second`;
  } catch (err) {
    return `metrics endpoint failed: ${String(err)}`;
  }
}
