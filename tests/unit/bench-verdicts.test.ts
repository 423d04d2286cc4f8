// The benchmark's issue-14 verdicts: each goal is judged on ratios and differences within one
// run, MET exactly up to its limit and MISSED past it, and a goal with a missing row says so.
import { describe, expect, test } from "bun:test";
import type { BenchResults, TargetRun } from "../../bench/lib/report.ts";
import { context, issue14Verdicts } from "../../bench/lib/verdicts.ts";
import type { LoadResult } from "../../bench/lib/wrk.ts";
import type { ManyStreamsResult } from "../../bench/scenarios/many-streams.ts";

const load = (rps: number, p50Ms = 0.1): LoadResult => ({
  requests: rps,
  seconds: 1,
  rps,
  p50Ms,
  p99Ms: p50Ms * 3,
  meanMs: p50Ms,
  errors: 0,
});

interface Figures {
  rps: number;
  sseRps: number;
  p50: number;
  ttfb: number;
  cpu: number;
  sseCpu: number;
}

const run = (id: string, f: Figures): TargetRun => ({
  id,
  label: id,
  notes: [],
  nonStream: {
    c1: load(1000, f.p50),
    c64: load(f.rps),
    cpuUsPerRequest: f.cpu,
    sse64: load(f.sseRps),
    sseCpuUsPerRequest: f.sseCpu,
  },
  stream: {
    streams: 30,
    complete: 30,
    ttfbP50Ms: f.ttfb,
    ttfbP99Ms: f.ttfb,
    gapP50Ms: 5,
    gapP99Ms: 6,
    coalescedPct: 0,
  },
});

const many = (label: string, gapP99Ms: number, peakRssKb = 100_000, complete = 4000): ManyStreamsResult => ({
  label,
  streams: 4000,
  ends: { complete },
  gapP50Ms: 200,
  gapP99Ms,
  peakRssKb,
  peakFds: 0,
  peakUpstreamSockets: 0,
  ttfbP50Ms: 1,
  ttfbMaxMs: 2,
  wallSeconds: 14,
});

const base: Figures = { rps: 10_000, sseRps: 5000, p50: 0.2, ttfb: 1.0, cpu: 50, sseCpu: 100 };

function results(sluice: Partial<Figures>, extra: TargetRun[] = [], gapP99 = 201): BenchResults {
  return {
    date: "",
    wallSeconds: 1,
    machine: [],
    versions: [],
    settings: [],
    runs: [
      run("direct", { ...base, p50: 0.1, ttfb: 0.8 }),
      run("bare-bun", base),
      run("sluice-defaults", { ...base, ...sluice }),
      ...extra,
    ],
    many: [many("direct to the mock", 200), many("sluice at its defaults, plain HTTP", gapP99)],
    startup: [],
    notes: [],
  };
}

const line = (v: string[], starts: string) => v.find((l) => l.includes(starts)) ?? "";

describe("benchmark verdicts of issue 14", () => {
  test("figures at the limits are MET", () => {
    const v = issue14Verdicts(
      results({ rps: 8500, sseRps: 4250, p50: 0.25, ttfb: 1.1, cpu: 60, sseCpu: 120 }, [], 202),
    );
    expect(line(v, "64, JSON")).toContain("MET (0.85x");
    expect(line(v, "64, short SSE")).toContain("MET (0.85x");
    expect(line(v, "added median latency")).toContain("MET");
    expect(line(v, "first streamed byte")).toContain("MET");
    expect(line(v, "CPU per request (JSON)")).toContain("MET (1.20x");
    expect(line(v, "CPU per request (SSE)")).toContain("MET (1.20x");
    expect(line(v, "concurrent long streams")).toContain("MET (4000/4000 complete");
  });

  test("figures past the limits are MISSED, with the margin", () => {
    const v = issue14Verdicts(
      results({ rps: 8400, sseRps: 4200, p50: 0.26, ttfb: 1.11, cpu: 61, sseCpu: 121 }, [], 202.5),
    );
    expect(line(v, "64, JSON")).toContain("MISSED (0.84x");
    expect(line(v, "64, short SSE")).toContain("MISSED (0.84x");
    expect(line(v, "added median latency")).toContain(
      "MISSED (sluice +0.160 ms, bare Bun +0.100 ms: +0.060 ms)",
    );
    expect(line(v, "first streamed byte")).toContain("MISSED");
    expect(line(v, "CPU per request (JSON)")).toContain("MISSED (1.22x");
    expect(line(v, "concurrent long streams")).toContain("MISSED");
    expect(line(v, "concurrent long streams")).toContain("+2.50 ms");
  });

  test("a stream that did not complete or memory over 350 MB misses the many-streams goal", () => {
    const r = results({});
    r.many[1] = many("sluice at its defaults, plain HTTP", 200, 400_000);
    expect(line(issue14Verdicts(r), "concurrent long streams")).toContain("MISSED");
    r.many[1] = many("sluice at its defaults, plain HTTP", 200, 100_000, 3999);
    expect(line(issue14Verdicts(r), "concurrent long streams")).toContain("MISSED (3999/4000");
  });

  test("each feature's cost is its row against the row without it", () => {
    const v = issue14Verdicts(
      results({}, [
        run("sluice-no-ledger", { ...base, rps: 10_200 }),
        run("sluice-scrub", { ...base, rps: 9600, cpu: 56 }),
      ]),
    );
    expect(line(v, "ledger")).toContain("MET (throughput -2.0%");
    expect(line(v, "scrubbing")).toContain("MISSED (throughput -4.0%");
    expect(line(v, "scrubbing")).toContain("CPU per request 56 vs 50 µs (12.0%)");
    expect(line(v, "Langfuse")).toContain("not measured");
  });

  test("the concurrency-1 goals read the interleaved medians when those rounds ran", () => {
    // The sequential rows say MISSED by far; the interleaved rounds say MET, and win.
    const r = results({ p50: 1.2, ttfb: 2.5 });
    const row = (id: string, p50Ms: number, ttfbP50Ms: number) => ({
      id,
      label: id,
      p50Ms,
      ttfbP50Ms,
      p50s: [p50Ms],
      ttfbs: [ttfbP50Ms],
    });
    r.interleaved = {
      rounds: 5,
      secondsPerRound: 2,
      streamsPerRound: 10,
      rows: [row("direct", 0.1, 0.8), row("bare-bun", 0.2, 1.0), row("sluice-defaults", 0.25, 1.15)],
    };
    const v = issue14Verdicts(r);
    expect(line(v, "added median latency")).toContain(
      "MET (sluice +0.150 ms, bare Bun +0.100 ms: +0.050 ms, medians of 5 interleaved rounds)",
    );
    expect(line(v, "first streamed byte")).toContain(
      "MISSED (sluice +0.350 ms, bare Bun +0.200 ms: +0.150 ms",
    );
    // Rounds that failed fall back to the sequential rows.
    r.interleaved.error = "wrk failed";
    expect(line(issue14Verdicts(r), "added median latency")).toContain("MISSED (sluice +1.100 ms");
  });

  test("CPU and feature costs read the interleaved c=64 medians when those rounds ran", () => {
    const r = results({ cpu: 200 }, [run("sluice-no-ledger", { ...base, rps: 20_000 })]);
    const row = (id: string, shape: "json" | "sse", cpuUs: number, rps: number) => ({
      id,
      label: id,
      shape,
      cpuUs,
      rps,
      cpuUsRounds: [cpuUs],
      rpsRounds: [rps],
    });
    r.interleavedCpu = {
      rounds: 4,
      secondsPerRound: 2,
      rows: [
        row("bare-bun", "json", 50, 12_000),
        row("sluice-defaults", "json", 60, 9800),
        row("sluice-no-ledger", "json", 59, 10_000),
        row("bare-bun", "sse", 100, 6000),
        row("sluice-defaults", "sse", 121, 4000),
      ],
    };
    const v = issue14Verdicts(r);
    expect(line(v, "64, JSON")).toContain(
      "MISSED (0.82x: 9,800 vs 12,000 req/s, medians of 4 interleaved rounds)",
    );
    expect(line(v, "CPU per request (JSON)")).toContain(
      "MET (1.20x: 60 vs 50 µs, medians of 4 interleaved rounds)",
    );
    expect(line(v, "CPU per request (SSE)")).toContain("MISSED (1.21x");
    expect(line(v, "ledger")).toContain(
      "MET (throughput -2.0%: 9,800 vs 10,000 req/s; CPU per request 60 vs 59 µs",
    );
    // A row the rounds did not measure is said so, not taken from the sequential pass.
    expect(line(v, "scrubbing")).toContain("not measured");
    r.interleavedCpu.error = "wrk failed";
    expect(line(issue14Verdicts(r), "CPU per request (JSON)")).toContain("MISSED (4.00x: 200 vs 50 µs)");
  });

  test("Elysia's share compares the Elysia-routed bare proxy with Bun.serve alone", () => {
    const r = results({}, [run("bare-elysia", { ...base, rps: 9000, cpu: 55 })]);
    expect(context(r)[0]).toContain("0.90x the throughput, CPU per request 55 vs 50 µs (JSON)");
  });
});
