// The fallback load generator when wrk cannot be installed: `connections` closed loops of Bun
// fetch (keep-alive), each sending the next request when the last answer is read. Heavier on
// the CPU than wrk, so its figures are lower for every target alike; RESULTS.md says which
// generator ran. Promises: stops at the deadline; errors are counted, never thrown.

import { BASE_HEADERS, JSON_SHAPE, type LoadShape, MESSAGES_PATH, shapeRequest } from "./request.ts";
import { mean, percentile } from "./stats.ts";
import type { LoadResult } from "./wrk.ts";

export async function runBunLoad(
  target: { url: string; headers: Record<string, string> },
  connections: number,
  seconds: number,
  shape: LoadShape = JSON_SHAPE,
): Promise<LoadResult> {
  const { body, headers: extra } = shapeRequest(shape);
  const headers = { ...BASE_HEADERS, ...extra, ...target.headers };
  const url = target.url + MESSAGES_PATH;
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        const res = await fetch(url, {
          method: "POST",
          headers,
          body,
          tls: { rejectUnauthorized: false },
        } as RequestInit);
        await res.arrayBuffer();
        if (res.status !== 200) errors++;
        else latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsed = (performance.now() - start) / 1000;
  return {
    requests: latencies.length + errors,
    seconds: elapsed,
    rps: (latencies.length + errors) / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    meanMs: mean(latencies),
    errors,
  };
}
