// The state behind key pools: per target, each key's health and the rotation's position. In
// memory, per process (two instances do not share it), and started fresh by a reload. Keys are
// only ever named by a short fingerprint (the start of their SHA-256), in logs and on /health.
import { createHash } from "node:crypto";
import type { Logger } from "../log.ts";
import { FRESH, judgeKey, type KeyHealth, type KeyPick, type KeyVerdict, pickKey } from "./keys.ts";

export interface PoolView {
  /** Keys in the pool. */
  keys: number;
  /** Fingerprints of resting keys, with the seconds left. */
  resting: { key: string; seconds: number }[];
  /** Fingerprints of keys taken out (401/403). */
  out: string[];
}

export interface KeyPools {
  /** The key the next attempt on `target` uses, skipping the ones this call tried. */
  pick(target: string, keys: readonly string[], tried: ReadonlySet<string>): KeyPick;
  /** Records what the upstream answered to `key` (429 rests it, 401/403 takes it out). */
  answered(target: string, key: string, status: number, retryAfter: string | null): KeyVerdict;
  view(target: string, keys: readonly string[]): PoolView;
  /** Forgets everything (a reload: fixed keys come back, rests start over). */
  reset(): void;
}

/** A key's name in logs and on /health: never the key, only the start of its hash. */
export const fingerprint = (key: string): string =>
  `sha256:${createHash("sha256").update(key).digest("hex").slice(0, 8)}`;

interface Pool {
  next: number;
  health: Map<string, KeyHealth>;
}

export function createKeyPools(opts: { log: Logger; now?: () => number }): KeyPools {
  const now = opts.now ?? Date.now;
  let pools = new Map<string, Pool>();
  const pool = (target: string): Pool => {
    let p = pools.get(target);
    if (!p) {
      p = { next: 0, health: new Map() };
      pools.set(target, p);
    }
    return p;
  };
  const healthOf = (p: Pool) => (key: string) => p.health.get(key) ?? FRESH;

  return {
    pick(target, keys, tried) {
      const p = pool(target);
      const pick = pickKey(keys, healthOf(p), p.next, tried, now());
      if (pick.kind === "key") p.next = pick.index + 1;
      return pick;
    },
    answered(target, key, status, retryAfter) {
      const at = now();
      const verdict = judgeKey(status, retryAfter, at);
      const p = pool(target);
      const before = healthOf(p)(key);
      if (verdict.kind === "out" && !before.out) {
        p.health.set(key, { ...before, out: true });
        // Once per key: it is never used again, so no second line can follow.
        opts.log.warn("upstream refused a configured key; it is taken out until a reload", {
          target,
          key: fingerprint(key),
          status,
        });
      } else if (verdict.kind === "rest") {
        if (before.restUntil <= at)
          opts.log.info("upstream rate-limited a key; it rests", {
            target,
            key: fingerprint(key),
            seconds: Math.ceil((verdict.until - at) / 1000),
          });
        p.health.set(key, { ...before, restUntil: Math.max(before.restUntil, verdict.until) });
      }
      return verdict;
    },
    view(target, keys) {
      const at = now();
      const health = healthOf(pool(target));
      const resting: PoolView["resting"] = [];
      const out: string[] = [];
      for (const key of keys) {
        const h = health(key);
        if (h.out) out.push(fingerprint(key));
        else if (h.restUntil > at)
          resting.push({ key: fingerprint(key), seconds: Math.ceil((h.restUntil - at) / 1000) });
      }
      return { keys: keys.length, resting, out };
    },
    reset() {
      pools = new Map();
    },
  };
}
