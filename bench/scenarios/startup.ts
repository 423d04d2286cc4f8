// Start-up scenario: from spawning the binary to the first proxied request answered 200,
// repeated, for plain HTTP and TLS (which also reads the certificate). Promises: starts and
// stops its own processes; returns the spread, never asserts it.

import { type SluiceVariant, startSluice } from "../lib/sluice-target.ts";
import { median, percentile } from "../lib/stats.ts";
import type { BenchEnv } from "../lib/targets.ts";

export interface StartupResult {
  variant: SluiceVariant;
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Resident memory right after the first answer. */
  rssKb: number;
}

export async function startup(env: BenchEnv, variant: SluiceVariant, runs: number): Promise<StartupResult> {
  const times: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = await startSluice(env, variant);
    times.push(t.readyMs ?? Number.NaN);
    const status = Bun.file(`/proc/${t.pid}/status`);
    const m = /^VmRSS:\s+(\d+)/m.exec(await status.text().catch(() => ""));
    if (m) rss.push(Number(m[1]));
    await t.stop();
  }
  return {
    variant,
    runs,
    medianMs: median(times),
    minMs: percentile(times, 0),
    maxMs: percentile(times, 100),
    rssKb: median(rss),
  };
}
