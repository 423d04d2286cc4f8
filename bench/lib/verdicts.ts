// Each goal of the performance issues, met or missed, read off one run's figures: issue 14's
// (sluice at its defaults against the bare Bun proxy, the floor for any Bun proxy), and the
// earlier issue 7 ones (against nginx and Portkey). Promises: pure; a goal whose figures are
// missing says "not measured" instead of guessing.
import type { ManyStreamsResult } from "../scenarios/many-streams.ts";
import type { BenchResults, TargetRun } from "./report.ts";
import { int, ratio } from "./stats.ts";

const find = (r: BenchResults, id: string): TargetRun | undefined =>
  r.runs.find((x) => x.id === id && !x.skipped);
const fin = (n: number | undefined): n is number => n !== undefined && Number.isFinite(n);
const verdict = (ok: boolean) => (ok ? "MET" : "MISSED");
const f3 = (n: number) => n.toFixed(3);
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

/** Issue 14: the goals, as ratios and differences within the one run. */
export function issue14Verdicts(r: BenchResults): string[] {
  const out: string[] = [];
  const sl = find(r, "sluice-defaults");
  const bare = find(r, "bare-bun");
  const missing = (goal: string) => out.push(`- ${goal}: not measured (a row did not run)`);

  // Throughput, CPU and the feature costs read the interleaved c=64 rounds when they ran.
  const ic = r.interleavedCpu?.error === undefined ? r.interleavedCpu : undefined;
  const icRow = (id: string, shape: "json" | "sse") => ic?.rows.find((x) => x.id === id && x.shape === shape);
  const icFrom = ic ? `, medians of ${ic.rounds} interleaved rounds` : "";
  for (const [what, shape, get] of [
    ["JSON answers", "json", (t?: TargetRun) => t?.nonStream?.c64?.rps],
    ["short SSE streams", "sse", (t?: TargetRun) => t?.nonStream?.sse64?.rps],
  ] as const) {
    const goal = `concurrency 64, ${what}: sluice at least 0.85x the bare Bun proxy`;
    const a = ic ? icRow("sluice-defaults", shape)?.rps : get(sl);
    const b = ic ? icRow("bare-bun", shape)?.rps : get(bare);
    if (!fin(a) || !fin(b)) missing(goal);
    else
      out.push(
        `- ${goal}: ${verdict(a >= 0.85 * b)} (${ratio(a, b)}: ${int(a)} vs ${int(b)} req/s${icFrom})`,
      );
  }

  // The c=1 goals read the interleaved rounds when they ran (steadier than one pass per row).
  const il = r.interleaved?.error === undefined ? r.interleaved : undefined;
  const from = il ? `, medians of ${il.rounds} interleaved rounds` : "";
  for (const [what, field, sequential, limit] of [
    ["added median latency", "p50Ms", (t?: TargetRun) => t?.nonStream?.c1?.p50Ms, 0.05],
    ["added time to first streamed byte", "ttfbP50Ms", (t?: TargetRun) => t?.stream?.ttfbP50Ms, 0.1],
  ] as const) {
    const goal = `concurrency 1, ${what} within ${limit} ms of the bare Bun proxy's`;
    const get = (id: string) => (il ? il.rows.find((x) => x.id === id)?.[field] : sequential(find(r, id)));
    const s = get("sluice-defaults");
    const b = get("bare-bun");
    const d = get("direct");
    if (!fin(s) || !fin(b) || !fin(d)) {
      missing(goal);
      continue;
    }
    // Judged on the figure as printed (µs), so float noise never flips a verdict.
    const diff = Math.round((s - b) * 1000) / 1000;
    out.push(
      `- ${goal}: ${verdict(diff <= limit)} (sluice +${f3(s - d)} ms, bare Bun +${f3(b - d)} ms: ${diff >= 0 ? "+" : ""}${f3(diff)} ms${from})`,
    );
  }

  for (const [what, shape, get] of [
    ["JSON", "json", (t?: TargetRun) => t?.nonStream?.cpuUsPerRequest],
    ["SSE", "sse", (t?: TargetRun) => t?.nonStream?.sseCpuUsPerRequest],
  ] as const) {
    const goal = `CPU per request (${what}) at most 1.2x the bare Bun proxy's`;
    const a = ic ? icRow("sluice-defaults", shape)?.cpuUs : get(sl);
    const b = ic ? icRow("bare-bun", shape)?.cpuUs : get(bare);
    if (!fin(a) || !fin(b)) missing(goal);
    else out.push(`- ${goal}: ${verdict(a <= 1.2 * b)} (${ratio(a, b)}: ${int(a)} vs ${int(b)} µs${icFrom})`);
  }

  out.push(manyVerdict(r.many));

  for (const [feature, on, off] of [
    ["ledger", "sluice-defaults", "sluice-no-ledger"],
    ["scrubbing (typical request)", "sluice-scrub", "sluice-defaults"],
    ["Langfuse traces", "sluice-langfuse", "sluice-defaults"],
    ["OpenTelemetry export (issue 15)", "sluice-otel", "sluice-defaults"],
    ["OpenTelemetry export with content capture", "sluice-otel-content", "sluice-defaults"],
  ] as const) {
    const goal = `${feature} costs under 3% of throughput when on`;
    const figures = (id: string) => {
      if (ic) {
        const x = icRow(id, "json");
        return x ? { rps: x.rps, cpu: x.cpuUs } : undefined;
      }
      const n = find(r, id)?.nonStream;
      return n?.c64 ? { rps: n.c64.rps, cpu: n.cpuUsPerRequest } : undefined;
    };
    const a = figures(on);
    const b = figures(off);
    if (!a || !b || !fin(a.rps) || !fin(b.rps)) {
      missing(goal);
      continue;
    }
    const cost = 1 - a.rps / b.rps;
    const cpu =
      fin(a.cpu) && fin(b.cpu)
        ? `; CPU per request ${int(a.cpu)} vs ${int(b.cpu)} µs (${pct(a.cpu / b.cpu - 1)})`
        : "";
    out.push(
      `- ${goal}: ${verdict(cost < 0.03)} (throughput ${cost >= 0 ? "-" : "+"}${pct(Math.abs(cost))}: ${int(a.rps)} vs ${int(b.rps)} req/s${cpu}${icFrom})`,
    );
  }
  return out;
}

function manyVerdict(many: ManyStreamsResult[]): string {
  const direct = many.find((m) => m.label.startsWith("direct") && !m.error);
  const sl = many.find((m) => m.label.startsWith("sluice at its defaults") && !m.error);
  const goal = (n: number | string) =>
    `${n} concurrent long streams through one sluice: every one completes, RSS under 350 MB, p99 event gap at most 2 ms more than direct`;
  if (!sl || !direct || !fin(sl.gapP99Ms) || !fin(direct.gapP99Ms))
    return `- ${goal(sl?.streams ?? "many")}: not measured`;
  const complete = sl.ends.complete ?? 0;
  const peakMb = (sl.peakRssKb * 1024) / 1e6;
  const added = Math.round((sl.gapP99Ms - direct.gapP99Ms) * 100) / 100;
  const ok = complete === sl.streams && peakMb < 350 && added <= 2;
  return (
    `- ${goal(sl.streams)}: ${verdict(ok)} (${complete}/${sl.streams} complete, peak RSS ${peakMb.toFixed(0)} MB, ` +
    `p99 gap ${sl.gapP99Ms.toFixed(2)} ms vs ${direct.gapP99Ms.toFixed(2)} ms direct: ${added >= 0 ? "+" : ""}${added.toFixed(2)} ms)`
  );
}

/** Issue 7's targets, against nginx and Portkey, for the record. */
export function issue7Verdicts(r: BenchResults): string[] {
  const out: string[] = [];
  const base = find(r, "direct")?.nonStream?.c1?.p50Ms;
  for (const id of ["sluice-defaults", "sluice-tls", "sluice-scrub"]) {
    const p50 = find(r, id)?.nonStream?.c1?.p50Ms;
    if (!fin(p50) || !fin(base)) continue;
    const added = p50 - base;
    out.push(
      `- added p50 under 0.2 ms at concurrency 1, ${find(r, id)?.label}: ${verdict(added < 0.2)} (${f3(added)} ms)`,
    );
  }
  const rps = (id: string) => find(r, id)?.nonStream?.c64?.rps;
  for (const [s, n] of [
    ["sluice-defaults", "nginx"],
    ["sluice-tls", "nginx-tls"],
  ] as const) {
    const a = rps(s);
    const b = rps(n);
    if (!fin(a) || !fin(b)) continue;
    out.push(
      `- throughput at least nginx's (${find(r, s)?.label} vs ${find(r, n)?.label}): ${verdict(a >= b)} (${ratio(a, b)})`,
    );
  }
  const sl = rps("sluice-defaults");
  for (const [id, what] of [
    ["portkey-node", "Portkey on Node, its published runtime"],
    ["portkey-bun", "Portkey on Bun, the same runtime as sluice"],
  ] as const) {
    const pk = rps(id);
    if (!fin(pk) || !fin(sl)) continue;
    out.push(`- at least 3x Portkey's throughput (vs ${what}): ${verdict(sl >= 3 * pk)} (${ratio(sl, pk)})`);
  }
  return out;
}

/** Where the time goes: Elysia's share of the floor, the log's cost, nginx with one event loop. */
export function context(r: BenchResults): string[] {
  const n = (id: string) => find(r, id)?.nonStream;
  const out: string[] = [];
  const bare = n("bare-bun");
  const elysia = n("bare-elysia");
  if (bare?.c64 && elysia?.c64) {
    out.push(
      `- Elysia's own share (the bare proxy routed by Elysia as sluice routes its catch-all, vs Bun.serve alone): ` +
        `${ratio(elysia.c64.rps, bare.c64.rps)} the throughput, CPU per request ${int(elysia.cpuUsPerRequest)} vs ${int(bare.cpuUsPerRequest)} µs (JSON), ` +
        `${int(elysia.sseCpuUsPerRequest)} vs ${int(bare.sseCpuUsPerRequest)} µs (SSE)`,
    );
  }
  const sl = n("sluice-defaults");
  const warn = n("sluice-warn");
  if (sl?.c64 && warn?.c64) {
    out.push(
      `- the request log (defaults vs log level warn): ${ratio(sl.c64.rps, warn.c64.rps)} the throughput, CPU per request ` +
        `${int(sl.cpuUsPerRequest)} vs ${int(warn.cpuUsPerRequest)} µs (JSON), ${int(sl.sseCpuUsPerRequest)} vs ${int(warn.sseCpuUsPerRequest)} µs (SSE)`,
    );
  }
  const one = n("nginx-1w");
  if (sl?.c64 && one?.c64) {
    out.push(
      `- sluice vs nginx with 1 worker process (one event loop, like sluice): ${ratio(sl.c64.rps, one.c64.rps)} the throughput; ` +
        `CPU per request ${int(sl.cpuUsPerRequest)} vs ${int(one.cpuUsPerRequest)} µs`,
    );
  }
  return out;
}
