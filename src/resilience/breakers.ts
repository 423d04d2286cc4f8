// The state behind circuit breakers: one Breaker per target name, in memory, per process. A reload
// keeps it (a target's health does not change with the configuration). Logs each open (warn) and each close after one (info), and reports every open
// to `onOpen` (the Prometheus count). The policy is read per call, so a reload applies at once.
import type { Logger } from "../log.ts";
import {
  type Admission,
  admission,
  admitted,
  afterCall,
  type Breaker,
  type BreakerPolicy,
  type BreakerState,
  CLOSED,
  probeAbandoned,
} from "./breaker.ts";

export interface BreakerView {
  state: BreakerState;
  /** Failed calls in a row. */
  failures: number;
  /** Times it opened since start. */
  opens: number;
  /** Seconds until the next probe may go, while open. */
  probeInSeconds?: number;
}

export interface Breakers {
  /** What a call may do with the target now, without changing anything. */
  peek(target: string): Admission;
  /** Admits a call: a "probe" admission marks the probe as out. */
  admit(target: string, how: Admission): void;
  /** The outcome of a call that went to the target. */
  record(target: string, failed: boolean): void;
  /** An admitted probe that never got an outcome. */
  abandon(target: string): void;
  view(target: string): BreakerView;
}

export interface BreakerDeps {
  log: Logger;
  policy: () => BreakerPolicy;
  onOpen?: (target: string) => void;
  now?: () => number;
}

export function createBreakers(deps: BreakerDeps): Breakers {
  const now = deps.now ?? Date.now;
  const breakers = new Map<string, Breaker>();
  const opens = new Map<string, number>();
  const get = (target: string) => breakers.get(target) ?? CLOSED;

  return {
    peek: (target) => admission(get(target), deps.policy(), now()),
    admit(target, how) {
      const next = admitted(get(target), how);
      if (next !== get(target)) breakers.set(target, next);
    },
    record(target, failed) {
      const before = get(target);
      if (!failed && before === CLOSED) return;
      const policy = deps.policy();
      const { next, opened } = afterCall(before, failed, policy, now());
      breakers.set(target, next);
      if (opened) {
        opens.set(target, (opens.get(target) ?? 0) + 1);
        deps.onOpen?.(target);
        deps.log.warn("circuit breaker opened: the target is skipped while it has an alternative", {
          target,
          failures: next.failures,
          cooldown_seconds: policy.cooldownMs / 1000,
        });
      } else if (before.state !== "closed" && next.state === "closed") {
        deps.log.info("circuit breaker closed: the target answered again", { target });
      }
    },
    abandon(target) {
      breakers.set(target, probeAbandoned(get(target)));
    },
    view(target) {
      const b = get(target);
      const view: BreakerView = { state: b.state, failures: b.failures, opens: opens.get(target) ?? 0 };
      if (b.state === "open") {
        const left = b.openedAt + deps.policy().cooldownMs - now();
        view.probeInSeconds = Math.max(0, Math.ceil(left / 1000));
      }
      return view;
    },
  };
}
