// Turns one benchmark run into bench/RESULTS.md: the machine and how busy it was, the versions,
// the settings of every row, each goal met or missed (verdicts.ts), and one table per scenario
// with ratios against the direct baseline. Promises: pure (text in, text out); missing figures
// print as n/a.
import type { BigScrubResult } from "../scenarios/big-scrub.ts";
import type { InterleavedResult } from "../scenarios/interleaved-c1.ts";
import type { InterleavedCpuResult } from "../scenarios/interleaved-cpu.ts";
import type { ManyStreamsResult } from "../scenarios/many-streams.ts";
import type { NonStreamResult } from "../scenarios/nonstream.ts";
import type { StartupResult } from "../scenarios/startup.ts";
import type { StreamLatencyResult } from "../scenarios/stream-latency.ts";
import { bigScrubTable, bigScrubVerdict } from "./report-big-scrub.ts";
import { addedMs, int, mib, ms, ratio } from "./stats.ts";
import { context, issue7Verdicts, issue14Verdicts } from "./verdicts.ts";

export interface TargetRun {
  id: string;
  label: string;
  readyMs?: number;
  notes: string[];
  nonStream?: NonStreamResult;
  stream?: StreamLatencyResult;
  skipped?: string;
}

export interface BenchResults {
  date: string;
  wallSeconds: number;
  machine: string[];
  versions: string[];
  settings: string[];
  /** Each sluice row and what it changes from the defaults. */
  rows?: { label: string; changes: string }[];
  runs: TargetRun[];
  many: ManyStreamsResult[];
  startup: StartupResult[];
  /** Concurrency 1 for the targets the c=1 goals compare, in interleaved rounds. */
  interleaved?: InterleavedResult;
  /** CPU per request and throughput at c=64 for bare Bun and every sluice row, interleaved. */
  interleavedCpu?: InterleavedCpuResult;
  /** Small requests while big match-heavy bodies are scrubbed (issue 10). */
  bigScrub?: BigScrubResult;
  /** Output of the in-process micro-benchmarks (scrubbing, metrics recording), verbatim. */
  micro?: MicroRun[];
  notes: string[];
}

export interface MicroRun {
  id: "scrub" | "metrics" | "otel";
  title: string;
  command: string;
  output: string;
}

const figure = (text: string | undefined, re: RegExp): number | undefined => {
  const m = text === undefined ? null : re.exec(text);
  return m ? Number(m[1]) : undefined;
};

/** The scrubbing (issue 5) and metrics (issue 3) targets, read off the micro-benchmarks' output. */
export function microVerdicts(r: BenchResults): string[] {
  const out = (id: MicroRun["id"]) => r.micro?.find((m) => m.id === id)?.output;
  const lines: string[] = [];
  const agent = figure(
    out("scrub"),
    /200 KB, e-mails \+ 5 secrets, pseudonymize\s+\d+ KB\s+scrub\s+([\d.]+) ms/,
  );
  if (agent !== undefined)
    lines.push(
      `- scrubbing a realistic 200 KB agent request (pseudonymize, 5 secrets) under 2 ms: ${agent < 2 ? "MET" : "MISSED"} (${agent.toFixed(2)} ms)`,
    );
  const worst = figure(out("scrub"), /worst adversarial 1 MB: ([\d.]+) ms/);
  if (worst !== undefined)
    lines.push(
      `- every adversarial 1 MB input scrubbed in under 20 ms: ${worst < 20 ? "MET" : "MISSED"} (worst ${worst.toFixed(2)} ms; the x-factors vs 256 KB below show it linear)`,
    );
  const factor = figure(out("scrub"), /worst 1 MB \/ 256 KB time factor: ([\d.]+)/);
  if (factor !== undefined)
    lines.push(
      `- scrubbing time grows linearly (4x the adversarial input costs under 8x the time): ${factor < 8 ? "MET" : "MISSED"} (worst ${factor.toFixed(1)}x)`,
    );
  const rec = figure(out("metrics"), /recording itself[^:]*: ([\d.]+) µs per request/);
  if (rec !== undefined)
    lines.push(
      `- metrics recording costs the request path nothing measurable: ${rec.toFixed(2)} µs of work per request (the throughput ratios below are within run-to-run noise)`,
    );
  return lines;
}

const find = (r: BenchResults, id: string) => r.runs.find((x) => x.id === id && !x.skipped);

function nonStreamTable(r: BenchResults): string[] {
  const base = find(r, "direct")?.nonStream;
  const rows = [
    "| target | p50 ms (c=1) | p99 ms (c=1) | added p50 ms | added p99 ms | req/s (c=64) | vs direct | proxy CPU µs/request (c=64) | errors |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const t of r.runs) {
    const n = t.nonStream;
    if (t.skipped || !n) {
      rows.push(`| ${t.label} | ${t.skipped ?? n?.error ?? "n/a"} | | | | | | | |`);
      continue;
    }
    rows.push(
      `| ${t.label} | ${ms(n.c1?.p50Ms)} | ${ms(n.c1?.p99Ms)} | ${addedMs(n.c1?.p50Ms, base?.c1?.p50Ms)} | ` +
        `${addedMs(n.c1?.p99Ms, base?.c1?.p99Ms)} | ${int(n.c64?.rps)} | ${ratio(n.c64?.rps, base?.c64?.rps)} | ` +
        `${n.cpuUsPerRequest === undefined ? "n/a" : int(n.cpuUsPerRequest)} | ` +
        `${int((n.c1?.errors ?? 0) + (n.c64?.errors ?? 0))}${n.error ? ` (${n.error})` : ""} |`,
    );
  }
  return rows;
}

function sseLoadTable(r: BenchResults): string[] {
  const base = find(r, "direct")?.nonStream?.sse64;
  const rows = [
    "| target | streams/s (c=64) | vs direct | p50 ms | p99 ms | proxy CPU µs/stream | errors |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const t of r.runs) {
    const n = t.nonStream;
    const s = n?.sse64;
    if (t.skipped || !s) {
      rows.push(`| ${t.label} | ${t.skipped ?? n?.error ?? "n/a"} | | | | | |`);
      continue;
    }
    rows.push(
      `| ${t.label} | ${int(s.rps)} | ${ratio(s.rps, base?.rps)} | ${ms(s.p50Ms)} | ${ms(s.p99Ms)} | ` +
        `${n?.sseCpuUsPerRequest === undefined ? "n/a" : int(n.sseCpuUsPerRequest)} | ${int(s.errors)} |`,
    );
  }
  return rows;
}

function streamTable(r: BenchResults): string[] {
  const base = find(r, "direct")?.stream;
  const rows = [
    "| target | TTFB p50 ms | added TTFB ms | event gap p50 ms | event gap p99 ms | added gap p99 ms | events glued to the previous one | complete |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const t of r.runs) {
    const s = t.stream;
    if (t.skipped || !s) {
      rows.push(`| ${t.label} | ${t.skipped ?? "n/a"} | | | | | | |`);
      continue;
    }
    rows.push(
      `| ${t.label} | ${ms(s.ttfbP50Ms)} | ${addedMs(s.ttfbP50Ms, base?.ttfbP50Ms)} | ${ms(s.gapP50Ms)} | ` +
        `${ms(s.gapP99Ms)} | ${addedMs(s.gapP99Ms, base?.gapP99Ms)} | ${ms(s.coalescedPct, 1)}% | ` +
        `${s.complete}/${s.streams}${s.error ? ` (${s.error})` : ""} |`,
    );
  }
  return rows;
}

function manyTable(r: BenchResults): string[] {
  const rows = [
    "| run | streams ok | event gap p50 / p99 ms | RSS before MiB | RSS peak MiB | RSS 1 s after MiB | RSS settled MiB | fds before / peak / settled | upstream sockets before / peak / settled (busy) | client sockets settled | TTFB p50 / max ms | wall s |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const m of r.many) {
    if (m.error) {
      rows.push(`| ${m.label} | ${m.error} | | | | | | | | | | |`);
      continue;
    }
    const other = Object.entries(m.ends)
      .filter(([k]) => k !== "complete")
      .map(([k, v]) => `${v} ${k}`)
      .join(", ");
    rows.push(
      `| ${m.label} | ${m.ends.complete ?? 0}/${m.streams}${other ? ` (${other})` : ""} | ` +
        `${ms(m.gapP50Ms, 2)} / ${ms(m.gapP99Ms, 2)} | ${mib(m.baseline?.rssKb)} | ` +
        `${mib(m.peakRssKb)} | ${mib(m.after?.rssKb)} | ${mib(m.settled?.rssKb)} | ` +
        `${m.baseline?.fds ?? "n/a"} / ${int(m.peakFds)} / ${m.settled?.fds ?? "n/a"} | ` +
        `${m.baseline?.upstreamSockets ?? "n/a"} / ${int(m.peakUpstreamSockets)} / ${m.settled?.upstreamSockets ?? "n/a"} ` +
        `(${m.settled?.upstreamBusy ?? "n/a"}) | ${m.settled?.clientSockets ?? "n/a"} | ` +
        `${ms(m.ttfbP50Ms, 1)} / ${ms(m.ttfbMaxMs, 1)} | ${m.wallSeconds.toFixed(1)} |`,
    );
  }
  return rows;
}

function startupTable(r: BenchResults): string[] {
  const rows = [
    "| binary | runs | median ms | min ms | max ms | RSS after first answer MiB |",
    "|---|---:|---:|---:|---:|---:|",
  ];
  for (const s of r.startup) {
    rows.push(
      `| sluice, ${s.variant === "tls" ? "TLS" : "plain HTTP"} | ${s.runs} | ${ms(s.medianMs, 1)} | ${ms(s.minMs, 1)} | ${ms(s.maxMs, 1)} | ${mib(s.rssKb)} |`,
    );
  }
  for (const t of r.runs) {
    if (t.readyMs !== undefined && !t.id.startsWith("sluice")) {
      rows.push(`| ${t.label} (one start, for context) | 1 | ${ms(t.readyMs, 1)} | | | |`);
    }
  }
  return rows;
}

export function renderResults(r: BenchResults): string {
  return [
    "# sluice benchmark results",
    "",
    `Written by \`make bench\` (bench/run.ts) on ${r.date}, in ${Math.round(r.wallSeconds)} s. Loopback only; every`,
    "target sits in front of the same `sluice mock-upstream` process. Figures from one run on a",
    "shared machine: compare the ratios, not the absolute numbers. Nothing here is asserted.",
    "",
    "## Machine",
    "",
    ...r.machine.map((l) => `- ${l}`),
    "",
    "## Versions and settings",
    "",
    ...r.versions.map((l) => `- ${l}`),
    ...r.settings.map((l) => `- ${l}`),
    "",
    ...(r.rows?.length
      ? [
          "Every sluice row runs the compiled binary with only its listeners, upstream URLs and certificate",
          "files set, so the rest is sluice's own defaults: log level info with one JSON request line per",
          "call into a file, the admin listener on and `/metrics` plus `/metrics/prometheus` scraped every",
          "second, the usage ledger at its default (`sqlite://sluice.db`), scrubbing and telemetry off.",
          "",
          "| row | changes from the defaults |",
          "|---|---|",
          ...r.rows.map((x) => `| ${x.label} | ${x.changes} |`),
          "",
        ]
      : []),
    "## Goals of issue 14 (sluice at its defaults; ratios within this run)",
    "",
    ...issue14Verdicts(r),
    "",
    "Where the time goes:",
    "",
    ...context(r),
    "",
    ...interleavedTable(r),
    ...interleavedCpuTable(r),
    "## Goals of issue 7",
    "",
    ...issue7Verdicts(r),
    "",
    "## Non-streamed: POST /v1/messages (about 1 KB in, 0.4 KB out)",
    "",
    ...nonStreamTable(r),
    "",
    "## Short streams under load: 64 connections, 20 deltas each with no gap",
    "",
    ...sseLoadTable(r),
    "",
    "## Streamed: one stream at a time",
    "",
    ...streamTable(r),
    "",
    "## Many concurrent long streams",
    "",
    ...manyTable(r),
    "",
    "## Start-up: spawn to the first proxied 200",
    "",
    ...startupTable(r),
    "",
    ...(r.bigScrub
      ? [
          "## Big scrubs off the event loop (issue 10)",
          "",
          ...bigScrubVerdict(r.bigScrub),
          "",
          ...bigScrubTable(r.bigScrub),
          "",
        ]
      : []),
    ...(r.micro?.length
      ? [
          "## Scrubbing and metrics recording, in-process",
          "",
          ...microVerdicts(r),
          "",
          ...r.micro.flatMap((m) => [
            `### ${m.title}`,
            "",
            `\`${m.command}\``,
            "",
            "```",
            m.output.trimEnd(),
            "```",
            "",
          ]),
        ]
      : []),
    "## Notes",
    "",
    ...r.notes.map((l) => `- ${l}`),
    ...r.runs.flatMap((t) => t.notes.map((n) => `- ${t.label}: ${n}`)),
    "",
  ].join("\n");
}

/** The c=1 rounds the goals read: medians, and every round's figure to show the spread. */
function interleavedTable(r: BenchResults): string[] {
  const il = r.interleaved;
  if (!il) return [];
  const head = [
    `## Concurrency 1, interleaved (${il.rounds} rounds; each: ${il.secondsPerRound} s of JSON at one connection, then ${il.streamsPerRound} streams one after another, per target in turn)`,
    "",
  ];
  if (il.error) return [...head, `not measured: ${il.error}`, ""];
  const direct = il.rows.find((x) => x.id === "direct");
  const list = (v: number[]) => v.map((x) => x.toFixed(3)).join(" / ");
  return [
    ...head,
    "| target | p50 ms (median) | added p50 ms | p50 of each round | TTFB p50 ms (median) | added TTFB ms | TTFB of each round |",
    "|---|---:|---:|---|---:|---:|---|",
    ...il.rows.map(
      (x) =>
        `| ${x.label} | ${ms(x.p50Ms)} | ${addedMs(x.p50Ms, direct?.p50Ms)} | ${list(x.p50s)} | ${ms(x.ttfbP50Ms)} | ${addedMs(x.ttfbP50Ms, direct?.ttfbP50Ms)} | ${list(x.ttfbs)} |`,
    ),
    "",
  ];
}

/** The c=64 rounds the CPU and feature-cost goals read. */
function interleavedCpuTable(r: BenchResults): string[] {
  const il = r.interleavedCpu;
  if (!il) return [];
  const head = [
    `## Concurrency 64, interleaved (${il.rounds} rounds of ${il.secondsPerRound} s per target and shape, in turn)`,
    "",
  ];
  if (il.error) return [...head, `not measured: ${il.error}`, ""];
  const list = (v: number[], digits: number) => v.map((x) => x.toFixed(digits)).join(" / ");
  const lines = [
    ...head,
    "| target | shape | CPU µs/request (median) | vs bare Bun | req/s (median) | CPU of each round | req/s of each round |",
    "|---|---|---:|---:|---:|---|---|",
  ];
  for (const shape of ["json", "sse"] as const) {
    const rows = il.rows.filter((x) => x.shape === shape);
    const base = rows.find((x) => x.id === "bare-bun");
    for (const x of rows) {
      lines.push(
        `| ${x.label} | ${shape} | ${int(x.cpuUs)} | ${ratio(x.cpuUs, base?.cpuUs)} | ${int(x.rps)} | ${list(x.cpuUsRounds, 0)} | ${list(x.rpsRounds, 0)} |`,
      );
    }
  }
  return [...lines, ""];
}
