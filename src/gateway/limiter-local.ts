// Per-instance counting for the rate limits: two minute buckets per key and limit in memory.
// Bounded by the [[keys]] table (only configured keys are counted).
import type { KeyPolicy } from "../config/keys.ts";
import { type LimitCounts, type LimitRefusal, overLimit } from "./limits.ts";
import { bucketOf, roll } from "./window.ts";

export interface Limiter {
  /** Counts one request when the key is under its limits; a refusal otherwise (nothing counted). */
  admit(policy: KeyPolicy, now: number): LimitRefusal | undefined | Promise<LimitRefusal | undefined>;
  /** Adds a finished call's tokens. */
  addTokens(key: string, tokens: number, now: number): void;
  close(): void;
}

interface State {
  bucket: number;
  counts: LimitCounts;
}

export function createLocalLimiter(): Limiter & { counts(key: string, now: number): LimitCounts } {
  const byKey = new Map<string, State>();
  const state = (key: string, now: number): State => {
    const bucket = bucketOf(now);
    let s = byKey.get(key);
    if (!s) {
      s = { bucket, counts: { requests: { current: 0, previous: 0 }, tokens: { current: 0, previous: 0 } } };
      byKey.set(key, s);
    } else if (s.bucket !== bucket) {
      s.counts = {
        requests: roll(s.counts.requests, s.bucket, bucket),
        tokens: roll(s.counts.tokens, s.bucket, bucket),
      };
      s.bucket = bucket;
    }
    return s;
  };
  return {
    admit(policy, now) {
      const s = state(policy.name, now);
      const refused = overLimit(policy, s.counts, now);
      if (!refused) s.counts.requests.current += 1;
      return refused;
    },
    addTokens(key, tokens, now) {
      if (tokens > 0) state(key, now).counts.tokens.current += tokens;
    },
    counts: (key, now) => state(key, now).counts,
    close() {},
  };
}
