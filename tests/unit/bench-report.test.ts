// The benchmark report reads the scrubbing and metrics targets off the micro-benchmarks' own
// output lines, and says MISSED when a figure is over its target.
import { describe, expect, test } from "bun:test";
import { type BenchResults, microVerdicts, renderResults } from "../../bench/lib/report.ts";

const results = (scrub: string, metrics: string): BenchResults => ({
  date: "2026-11-21 00:00 UTC",
  wallSeconds: 1,
  machine: [],
  versions: [],
  settings: [],
  runs: [],
  many: [],
  startup: [],
  notes: [],
  micro: [
    { id: "scrub", title: "Secret scrubbing", command: "bun bench/scrub.bench.ts", output: scrub },
    { id: "metrics", title: "Metrics", command: "bun bench/metrics-overhead.bench.ts", output: metrics },
  ],
});

const scrubOut = (agentMs: string, worstMs: string, factor = "4.1") =>
  `200 KB, e-mails + 5 secrets, pseudonymize      227 KB  scrub    ${agentMs} ms  parse+stringify    0.226 ms\n` +
  `worst adversarial 1 MB: ${worstMs} ms (target < 20 ms)\n` +
  `worst 1 MB / 256 KB time factor: ${factor} (linear: about 4, target < 8)`;
const metricsOut =
  'recording itself (onStart + onEnd, measured inside "metrics on"): 2.18 µs per request = 0.079% of its mean latency';

describe("benchmark report: micro-benchmark targets", () => {
  test("figures under their targets are MET, with the figure", () => {
    const v = microVerdicts(results(scrubOut("1.335", "13.48"), metricsOut));
    expect(v).toHaveLength(4);
    expect(v[0]).toContain("under 2 ms: MET (1.33 ms)");
    expect(v[1]).toContain("under 20 ms: MET (worst 13.48 ms");
    expect(v[2]).toContain("linearly (4x the adversarial input costs under 8x the time): MET (worst 4.1x)");
    expect(v[3]).toContain("2.18 µs of work per request");
  });

  test("figures over their targets are MISSED", () => {
    const v = microVerdicts(results(scrubOut("2.500", "31.00", "15.9"), metricsOut));
    expect(v[0]).toContain("MISSED (2.50 ms)");
    expect(v[1]).toContain("MISSED (worst 31.00 ms");
    expect(v[2]).toContain("MISSED (worst 15.9x)");
  });

  test("a benchmark that printed nothing gives no verdict, and the output is kept verbatim", () => {
    const r = results("", "");
    expect(microVerdicts(r)).toEqual([]);
    expect(renderResults(results(scrubOut("1.0", "2.0"), metricsOut))).toContain(
      "worst adversarial 1 MB: 2.0 ms",
    );
  });
});
