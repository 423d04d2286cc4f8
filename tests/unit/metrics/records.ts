// Test helper: a settable clock and a RequestRecord builder with dull defaults.

import type { RequestRecord } from "../../../src/metrics/recorder.ts";

export function fakeClock(start: number): { now: () => number; set: (ms: number) => void } {
  let t = start;
  return { now: () => t, set: (ms) => (t = ms) };
}

let seq = 0;

export function record(fields: Partial<RequestRecord>): RequestRecord {
  seq++;
  return {
    id: `req-${seq}`,
    startedAt: 0,
    method: "POST",
    path: "/v1/messages",
    upstream: "anthropic",
    status: 200,
    outcome: "ok",
    bytesIn: 0,
    bytesOut: 0,
    durationMs: 10,
    retries: 0,
    ...fields,
  };
}
