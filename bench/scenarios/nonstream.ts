// Non-streamed scenario: after a short warm-up, added latency at concurrency 1 (p50, p99) and
// throughput at concurrency 64, with wrk when it is available, else the Bun load generator.
// Promises: returns figures or an error per target; never asserts a timing.
import { runBunLoad } from "../lib/load-bun.ts";
import { cpuMs } from "../lib/procs.ts";
import type { Target } from "../lib/targets.ts";
import { type LoadResult, runWrk } from "../lib/wrk.ts";

export interface NonStreamResult {
  c1?: LoadResult;
  c64?: LoadResult;
  /** The proxy's own CPU time per request during the c=64 run, in microseconds. */
  cpuUsPerRequest?: number;
  error?: string;
}

export interface NonStreamOptions {
  wrk?: string;
  tmp: string;
  seconds: number;
  warmSeconds: number;
}

async function load(
  target: Target,
  o: NonStreamOptions,
  connections: number,
  seconds: number,
): Promise<LoadResult | { error: string }> {
  return o.wrk
    ? runWrk(o.wrk, o.tmp, target, connections, seconds)
    : runBunLoad(target, connections, seconds);
}

export async function nonStreamed(target: Target, o: NonStreamOptions): Promise<NonStreamResult> {
  const warm = await load(target, o, 8, o.warmSeconds);
  if ("error" in warm) return { error: warm.error };
  const c1 = await load(target, o, 1, o.seconds);
  if ("error" in c1) return { error: c1.error };
  const cpuBefore = target.pid ? cpuMs(target.pid) : undefined;
  const c64 = await load(target, o, 64, o.seconds);
  const cpuAfter = target.pid ? cpuMs(target.pid) : undefined;
  if ("error" in c64) return { c1, error: c64.error };
  const cpu =
    cpuBefore !== undefined && cpuAfter !== undefined && c64.requests > 0
      ? ((cpuAfter - cpuBefore) * 1000) / c64.requests
      : undefined;
  return { c1, c64, ...(cpu !== undefined ? { cpuUsPerRequest: cpu } : {}) };
}
