// Test helper: reads the hand-written provider transcripts in tests/fixtures/usage.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Api, createUsageTracker, type UsageResult } from "../../../src/metrics/usage.ts";
import { SseDecoder } from "../../../src/sse/parse.ts";

const dir = join(import.meta.dir, "../../fixtures/usage");

export function fixtureJson(name: string): unknown {
  return JSON.parse(readFileSync(join(dir, name), "utf8"));
}

/** Decodes a recorded SSE transcript (fed in 7-byte chunks) through a usage tracker. */
export function trackFixture(api: Api, name: string): UsageResult {
  const bytes = new Uint8Array(readFileSync(join(dir, name)));
  const decoder = new SseDecoder();
  const tracker = createUsageTracker(api);
  for (let i = 0; i < bytes.length; i += 7) {
    for (const ev of decoder.push(bytes.subarray(i, i + 7))) tracker.onEvent(ev);
  }
  for (const ev of decoder.finish()) tracker.onEvent(ev);
  return tracker.result();
}
