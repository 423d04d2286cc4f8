// The big-scrub section of bench/RESULTS.md (issue 10): small-request latency with and without
// four match-heavy 10 MiB bodies being scrubbed, and the goal (within 2x + 5 ms) met or missed.
// Pure: result in, lines out.
import type { BigScrubResult } from "../scenarios/big-scrub.ts";
import { ms } from "./stats.ts";

export function bigScrubVerdict(b: BigScrubResult | undefined): string[] {
  if (!b) return [];
  if (b.error) return [`- small requests while big bodies are scrubbed: not measured (${b.error})`];
  const limit = 2 * b.baseline.p99Ms + 5;
  return [
    `- small requests keep their p99 while ${b.bodies} bodies of ${b.bodyMiB.toFixed(1)} MiB with ${b.keysPerBody.toLocaleString("en")} fake AWS keys each are scrubbed (within 2x + 5 ms): ` +
      `${b.goalMet ? "MET" : "MISSED"} (p99 ${ms(b.loaded.p99Ms, 2)} ms vs ${ms(b.baseline.p99Ms, 2)} ms without them; limit ${ms(limit, 2)} ms)`,
  ];
}

export function bigScrubTable(b: BigScrubResult | undefined): string[] {
  if (!b) return [];
  if (b.error) return [`Not measured: ${b.error}`];
  return [
    `${b.clients} clients send small POST /v1/messages one after another (scrubbing on, pseudonymize); the`,
    `loaded run lasts while ${b.bodies} bodies of ${b.bodyMiB.toFixed(1)} MiB, each with ${b.keysPerBody.toLocaleString("en")} distinct fake AWS keys, are`,
    "scrubbed (sent at once; SLUICE_SCRUB_MAX_MATCHES raised so they are scrubbed, not refused).",
    "",
    "| run | small requests | p50 ms | p99 ms |",
    "|---|---:|---:|---:|",
    `| without big bodies | ${b.baseline.requests} | ${ms(b.baseline.p50Ms, 2)} | ${ms(b.baseline.p99Ms, 2)} |`,
    `| while ${b.bodies} big bodies are scrubbed | ${b.loaded.requests} | ${ms(b.loaded.p50Ms, 2)} | ${ms(b.loaded.p99Ms, 2)} |`,
    "",
    `Each big request took ${b.bigMs.map((t) => `${(t / 1000).toFixed(1)} s`).join(", ")} (statuses ${b.bigStatuses.join(", ")}).`,
  ];
}
