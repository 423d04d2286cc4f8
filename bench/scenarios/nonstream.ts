// Load scenarios: after a short warm-up, added latency at concurrency 1 (p50, p99) and
// throughput at concurrency 64 for JSON answers, then throughput at concurrency 64 for short
// SSE streams (the shape LLM clients mostly ask for), each with the proxy's own CPU time per
// request. wrk when it is available, else the Bun load generator. Promises: returns figures or
// an error per target; never asserts a timing.
import { runBunLoad } from "../lib/load-bun.ts";
import { cpuMs } from "../lib/procs.ts";
import { JSON_SHAPE, type LoadShape } from "../lib/request.ts";
import type { Target } from "../lib/targets.ts";
import { type LoadResult, runWrk } from "../lib/wrk.ts";

export interface NonStreamResult {
  c1?: LoadResult;
  c64?: LoadResult;
  /** The proxy's own CPU time per request during the c=64 run, in microseconds. */
  cpuUsPerRequest?: number;
  /** Short streams (SSE_SHAPE) at 64 connections, and the proxy's CPU per stream. */
  sse64?: LoadResult;
  sseCpuUsPerRequest?: number;
  error?: string;
}

/** The streamed load: 20 text deltas with no gap, about 2.5 KB of events per answer. */
export const SSE_SHAPE: LoadShape = { kind: "sse", events: 20 };

export interface NonStreamOptions {
  wrk?: string;
  tmp: string;
  seconds: number;
  warmSeconds: number;
}

export function load(
  target: Target,
  o: NonStreamOptions,
  connections: number,
  seconds: number,
  shape: LoadShape,
): Promise<LoadResult | { error: string }> {
  return o.wrk
    ? runWrk(o.wrk, o.tmp, target, connections, seconds, shape)
    : runBunLoad(target, connections, seconds, shape);
}

/** One load run with the target process's CPU time (user + system) per request over it. */
export async function withCpu(
  target: Target,
  o: NonStreamOptions,
  connections: number,
  seconds: number,
  shape: LoadShape,
): Promise<{ result: LoadResult; cpuUs?: number } | { error: string }> {
  const before = target.pid ? cpuMs(target.pid) : undefined;
  const result = await load(target, o, connections, seconds, shape);
  const after = target.pid ? cpuMs(target.pid) : undefined;
  if ("error" in result) return result;
  const cpuUs =
    before !== undefined && after !== undefined && result.requests > 0
      ? ((after - before) * 1000) / result.requests
      : undefined;
  return { result, ...(cpuUs !== undefined ? { cpuUs } : {}) };
}

export async function nonStreamed(target: Target, o: NonStreamOptions): Promise<NonStreamResult> {
  const warm = await load(target, o, 8, o.warmSeconds, JSON_SHAPE);
  if ("error" in warm) return { error: warm.error };
  const c1 = await load(target, o, 1, o.seconds, JSON_SHAPE);
  if ("error" in c1) return { error: c1.error };
  const c64 = await withCpu(target, o, 64, o.seconds, JSON_SHAPE);
  if ("error" in c64) return { c1, error: c64.error };
  const out: NonStreamResult = { c1, c64: c64.result };
  if (c64.cpuUs !== undefined) out.cpuUsPerRequest = c64.cpuUs;
  await load(target, o, 8, o.warmSeconds, SSE_SHAPE);
  const sse = await withCpu(target, o, 64, o.seconds, SSE_SHAPE);
  if ("error" in sse) return { ...out, error: `streams: ${sse.error}` };
  out.sse64 = sse.result;
  if (sse.cpuUs !== undefined) out.sseCpuUsPerRequest = sse.cpuUs;
  return out;
}
