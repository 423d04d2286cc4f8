// Key pools, as decisions over plain data: which of a target's keys the next attempt uses, and
// what an answer does to the key that got it. Pure; the state lives in pools.ts. A key answered
// 429 rests until its retry-after; a key answered 401/403 is out until a reload. Calls rotate
// over the keys that are neither, so load spreads evenly.
import { parseRetryAfter } from "../proxy/retry.ts";

export interface KeyHealth {
  /** Epoch ms until which the key rests after a 429; 0 when it does not. */
  restUntil: number;
  /** Refused with 401/403: never used again until the configuration is reloaded. */
  out: boolean;
}

export const FRESH: KeyHealth = { restUntil: 0, out: false };

export type KeyPick =
  /** Use this key; `index` is its place in the pool (the rotation moves past it). */
  | { kind: "key"; key: string; index: number }
  /** The target has no keys of sluice's own: send without one (a pass leg keeps the client's). */
  | { kind: "none" }
  /** No key is usable and some rest; the first is free again in `waitMs`. */
  | { kind: "resting"; waitMs: number }
  /** Every key was refused (401/403). */
  | { kind: "exhausted" }
  /** This call already tried every key that is not out, and none of them rests now. */
  | { kind: "spent" };

/**
 * The next key for an attempt: the first usable one from `start` on (round robin), skipping keys
 * this call already tried. A call never uses one key twice, so a pool of n keys gives at most n
 * attempts.
 */
export function pickKey(
  keys: readonly string[],
  health: (key: string) => KeyHealth,
  start: number,
  tried: ReadonlySet<string>,
  now: number,
): KeyPick {
  if (keys.length === 0) return { kind: "none" };
  let soonest = Number.POSITIVE_INFINITY;
  let spent = false;
  for (let i = 0; i < keys.length; i++) {
    const index = (start + i) % keys.length;
    const key = keys[index]!;
    const h = health(key);
    if (h.out) continue;
    if (h.restUntil > now) soonest = Math.min(soonest, h.restUntil - now);
    else if (tried.has(key)) spent = true;
    else return { kind: "key", key, index };
  }
  if (Number.isFinite(soonest)) return { kind: "resting", waitMs: soonest };
  return spent ? { kind: "spent" } : { kind: "exhausted" };
}

/** How long a key rests after a 429 without a usable retry-after. */
export const DEFAULT_REST_MS = 30_000;
/** The longest rest honoured (a daily quota says "come back tomorrow"; that is still a rest). */
export const MAX_REST_MS = 24 * 3600_000;

export type KeyVerdict = { kind: "keep" } | { kind: "rest"; until: number } | { kind: "out" };

/** What an upstream answer to a pooled key means for that key. */
export function judgeKey(status: number, retryAfter: string | null, now: number): KeyVerdict {
  if (status === 401 || status === 403) return { kind: "out" };
  if (status !== 429) return { kind: "keep" };
  const after = parseRetryAfter(retryAfter, now) ?? DEFAULT_REST_MS;
  return { kind: "rest", until: now + Math.min(Math.max(after, 0), MAX_REST_MS) };
}
