// Turns one benchmark run into bench/RESULTS.md: the machine, the versions, one table per
// scenario with ratios against the direct baseline, and each target of issue 7 marked met or
// missed with the margin. Promises: pure (text in, text out); missing figures print as n/a.
import type { ManyStreamsResult } from "../scenarios/many-streams.ts";
import type { NonStreamResult } from "../scenarios/nonstream.ts";
import type { StartupResult } from "../scenarios/startup.ts";
import type { StreamLatencyResult } from "../scenarios/stream-latency.ts";
import { addedMs, int, mib, ms, ratio } from "./stats.ts";

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
  runs: TargetRun[];
  many: ManyStreamsResult[];
  startup: StartupResult[];
  /** Output of the in-process micro-benchmarks (scrubbing, metrics recording), verbatim. */
  micro?: MicroRun[];
  notes: string[];
}

export interface MicroRun {
  id: "scrub" | "metrics";
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
    "| run | streams ok | RSS before MiB | RSS peak MiB | RSS 1 s after MiB | RSS settled MiB | fds before / peak / settled | upstream sockets before / peak / settled (busy) | client sockets settled | TTFB p50 / max ms | wall s |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const m of r.many) {
    if (m.error) {
      rows.push(`| ${m.label} | ${m.error} | | | | | | | | | |`);
      continue;
    }
    const other = Object.entries(m.ends)
      .filter(([k]) => k !== "complete")
      .map(([k, v]) => `${v} ${k}`)
      .join(", ");
    rows.push(
      `| ${m.label} | ${m.ends.complete ?? 0}/${m.streams}${other ? ` (${other})` : ""} | ${mib(m.baseline?.rssKb)} | ` +
        `${mib(m.peakRssKb)} | ${mib(m.after?.rssKb)} | ${mib(m.settled?.rssKb)} | ` +
        `${m.baseline?.fds ?? "n/a"} / ${m.peakFds} / ${m.settled?.fds ?? "n/a"} | ` +
        `${m.baseline?.upstreamSockets ?? "n/a"} / ${m.peakUpstreamSockets} / ${m.settled?.upstreamSockets ?? "n/a"} ` +
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

/** Each issue-7 target: met or missed, and by how much. */
export function verdicts(r: BenchResults): string[] {
  const out: string[] = [];
  const base = find(r, "direct")?.nonStream?.c1?.p50Ms;
  for (const id of ["sluice-http", "sluice-tls", "sluice-metrics", "sluice-scrub"]) {
    const p50 = find(r, id)?.nonStream?.c1?.p50Ms;
    if (p50 === undefined || base === undefined) continue;
    const added = p50 - base;
    out.push(
      `- added p50 under 0.2 ms at concurrency 1, ${find(r, id)?.label}: ${added < 0.2 ? "MET" : "MISSED"} ` +
        `(${added.toFixed(3)} ms${added < 0.2 ? "" : `, ${(added - 0.2).toFixed(3)} ms over`})`,
    );
  }
  const rps = (id: string) => find(r, id)?.nonStream?.c64?.rps;
  for (const [s, n] of [
    ["sluice-http", "nginx"],
    ["sluice-tls", "nginx-tls"],
  ] as const) {
    const a = rps(s);
    const b = rps(n);
    if (a === undefined || b === undefined) continue;
    out.push(
      `- throughput at least nginx's (${find(r, s)?.label} vs ${find(r, n)?.label}): ${a >= b ? "MET" : "MISSED"} ` +
        `(${ratio(a, b)} of nginx${a >= b ? "" : `, ${int(b - a)} req/s short`})`,
    );
  }
  const sl = rps("sluice-http");
  const portkeys = [
    ["portkey-node", "Portkey on Node, its published runtime"],
    ["portkey-bun", "Portkey on Bun, the same runtime as sluice"],
  ] as const;
  for (const [id, what] of portkeys) {
    const pk = rps(id);
    if (pk === undefined || sl === undefined) continue;
    out.push(
      `- at least 3x Portkey's throughput (sluice, plain HTTP vs ${what}): ${sl >= 3 * pk ? "MET" : "MISSED"} (${ratio(sl, pk)})`,
    );
  }
  if (portkeys.every(([id]) => rps(id) === undefined)) {
    out.push("- at least 3x Portkey's throughput: not measured (Portkey did not run)");
  }
  const shipped = r.many.find((m) => !m.error && m.label.includes("as shipped"));
  if (shipped) {
    const peak = shipped.peakRssKb / 1024;
    const ok = (shipped.ends.complete ?? 0) === shipped.streams;
    out.push(
      `- ${shipped.streams} streams in under 150 MB (${shipped.label}): ${peak < 150 && ok ? "MET" : "MISSED"} ` +
        `(peak RSS ${peak.toFixed(1)} MiB, ${shipped.ends.complete ?? 0}/${shipped.streams} complete)`,
    );
  }
  return out;
}

/** Where the throughput gap comes from: same-core nginx, and the floor any Bun proxy starts at. */
export function context(r: BenchResults): string[] {
  const n = (id: string) => find(r, id)?.nonStream;
  const sl = n("sluice-http");
  const out: string[] = [];
  for (const [id, what] of [
    ["nginx-1w", "nginx with 1 worker process (one event loop, like sluice)"],
    ["bare-bun", "a bare Bun.serve + fetch proxy (the floor for any Bun proxy)"],
  ] as const) {
    const o = n(id);
    if (!sl?.c64 || !o?.c64) continue;
    out.push(
      `- sluice, plain HTTP vs ${what}: ${ratio(sl.c64.rps, o.c64.rps)} the throughput; CPU per request ` +
        `${int(sl.cpuUsPerRequest)} µs vs ${int(o.cpuUsPerRequest)} µs`,
    );
  }
  return out;
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
    "## Targets of issue 7",
    "",
    ...verdicts(r),
    "",
    "Context for the throughput figures:",
    "",
    ...context(r),
    "",
    "## Non-streamed: POST /v1/messages (about 1 KB in, 0.4 KB out)",
    "",
    ...nonStreamTable(r),
    "",
    "## Streamed: one stream at a time",
    "",
    ...streamTable(r),
    "",
    "## Many concurrent long streams through one sluice",
    "",
    ...manyTable(r),
    "",
    "## Start-up: spawn to the first proxied 200",
    "",
    ...startupTable(r),
    "",
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
