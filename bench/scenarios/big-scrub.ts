// Big-scrub scenario (issue 10): p99 latency of small requests from other clients while four
// 10 MiB bodies, each holding half a million fake AWS keys, are scrubbed (pseudonymize), against
// the same small-request load without them. Goal: loaded p99 within 2x + 5 ms of the baseline.
// Promises: starts and stops its own sluice; returns figures, never asserts a timing.

import { BASE_HEADERS, MESSAGES_PATH, messagesBody } from "../lib/request.ts";
import { startSluice } from "../lib/sluice-target.ts";
import { percentile } from "../lib/stats.ts";
import type { BenchEnv, Target } from "../lib/targets.ts";

export interface BigScrubResult {
  bodies: number;
  bodyMiB: number;
  keysPerBody: number;
  clients: number;
  baseline: { requests: number; p50Ms: number; p99Ms: number };
  loaded: { requests: number; p50Ms: number; p99Ms: number };
  /** How long each big request took, client side. */
  bigMs: number[];
  bigStatuses: number[];
  goalMet: boolean;
  error?: string;
}

export interface BigScrubOptions {
  bodies: number;
  keys: number;
  clients: number;
  baselineSeconds: number;
}

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** `keys` distinct fake AWS access key ids (AKIA + 16 base32), space-separated in one message. */
export function matchHeavyBody(keys: number, seed: number): string {
  const parts: string[] = [];
  for (let i = 0; i < keys; i++) {
    let s = "AKIA";
    let n = i + seed * keys;
    for (let k = 0; k < 16; k++) {
      s += B32[(n + k * 7) % 32];
      n = Math.floor(n / 32);
    }
    parts.push(s);
  }
  return JSON.stringify({
    model: "claude-sonnet-4-5",
    max_tokens: 16,
    messages: [{ role: "user", content: parts.join(" ") }],
  });
}

/** Small requests from `clients` loops until `stop()` says so; latencies of those that ran. */
async function smallLoad(target: Target, clients: number, stop: () => boolean): Promise<number[]> {
  const times: number[] = [];
  const body = messagesBody(false);
  const one = async () => {
    while (!stop()) {
      const t0 = performance.now();
      const r = await fetch(target.url + MESSAGES_PATH, { method: "POST", headers: BASE_HEADERS, body });
      await r.arrayBuffer();
      if (!stop()) times.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: clients }, one));
  return times;
}

const summary = (times: number[]) => ({
  requests: times.length,
  p50Ms: percentile(times, 50),
  p99Ms: percentile(times, 99),
});

export async function bigScrub(env: BenchEnv, o: BigScrubOptions): Promise<BigScrubResult> {
  const target = await startSluice(env, "scrub", {
    SLUICE_SCRUB: "pseudonymize",
    SLUICE_SCRUB_HMAC_KEY: "ab".repeat(32),
    SLUICE_SCRUB_MAX_MATCHES: String(o.keys * 2),
    SLUICE_SCRUB_MAX_BODY_BYTES: String(16 * 1024 * 1024),
  });
  try {
    // Encoded up front: encoding 10 MiB while the small requests run would stall this process's
    // own event loop and count against sluice.
    const bodies = Array.from({ length: o.bodies }, (_, i) =>
      new TextEncoder().encode(matchHeavyBody(o.keys, i + 1)),
    );
    // Warm: the worker threads start on the first big body, and the small path warms up too.
    await (
      await fetch(target.url + MESSAGES_PATH, { method: "POST", headers: BASE_HEADERS, body: bodies[0] })
    ).text();
    let until = performance.now() + 1000;
    await smallLoad(target, o.clients, () => performance.now() > until);

    until = performance.now() + o.baselineSeconds * 1000;
    const baseline = await smallLoad(target, o.clients, () => performance.now() > until);

    let inFlight = bodies.length;
    const bigMs: number[] = [];
    const bigStatuses: number[] = [];
    const bigs = bodies.map(async (body) => {
      const t0 = performance.now();
      const r = await fetch(target.url + MESSAGES_PATH, { method: "POST", headers: BASE_HEADERS, body });
      await r.arrayBuffer();
      bigMs.push(performance.now() - t0);
      bigStatuses.push(r.status);
      inFlight--;
    });
    const loaded = await smallLoad(target, o.clients, () => inFlight === 0);
    await Promise.all(bigs);
    const base = summary(baseline);
    const load = summary(loaded);
    return {
      bodies: o.bodies,
      bodyMiB: bodies[0]!.byteLength / 1024 / 1024,
      keysPerBody: o.keys,
      clients: o.clients,
      baseline: base,
      loaded: load,
      bigMs,
      bigStatuses,
      goalMet: load.p99Ms <= 2 * base.p99Ms + 5,
    };
  } finally {
    await target.stop();
  }
}

/** The result of a run that could not be measured. */
export function bigScrubFailed(error: string): BigScrubResult {
  const none = { requests: 0, p50Ms: Number.NaN, p99Ms: Number.NaN };
  return {
    bodies: 0,
    bodyMiB: 0,
    keysPerBody: 0,
    clients: 0,
    baseline: none,
    loaded: none,
    bigMs: [],
    bigStatuses: [],
    goalMet: false,
    error,
  };
}
