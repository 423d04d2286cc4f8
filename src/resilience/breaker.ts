// The circuit breaker of one target, as a state machine over plain data. Pure. After `failures`
// failed calls in a row the target opens: it is skipped, while the plan has an alternative, for a
// cool-down; then one call goes through as a probe (half-open): its success closes the breaker,
// its failure opens it again for another cool-down. A target with no alternative is always tried.

export type BreakerState = "closed" | "open" | "half_open";

export interface Breaker {
  state: BreakerState;
  /** Failed calls in a row while closed (a success resets it). */
  failures: number;
  /** Epoch ms when it last opened. */
  openedAt: number;
  /** A half-open probe is on its way. */
  probing: boolean;
}

export interface BreakerPolicy {
  /** Failed calls in a row that open the breaker; 0 turns breaking off. */
  failures: number;
  cooldownMs: number;
}

export const CLOSED: Breaker = { state: "closed", failures: 0, openedAt: 0, probing: false };

/** How a call may treat the target now. */
export type Admission =
  /** Send as usual. */
  | "go"
  /** The cool-down is over: this call is the one probe. */
  | "probe"
  /** Open (cooling down, or a probe is already out): skip it when there is an alternative. */
  | "skip";

export function admission(b: Breaker, policy: BreakerPolicy, now: number): Admission {
  if (policy.failures === 0 || b.state === "closed") return "go";
  if (b.probing) return "skip";
  return now - b.openedAt >= policy.cooldownMs ? "probe" : "skip";
}

/** The state once a call was admitted as `how` ("skip" here means sent anyway: no alternative). */
export function admitted(b: Breaker, how: Admission): Breaker {
  return how === "probe" ? { ...b, state: "half_open", probing: true } : b;
}

/**
 * The state after a call that went to the target (probe or not) came back. `opened` is true when
 * this outcome opened the breaker (for the log and the Prometheus count).
 */
export function afterCall(
  b: Breaker,
  failed: boolean,
  policy: BreakerPolicy,
  now: number,
): { next: Breaker; opened: boolean } {
  if (!failed) return { next: CLOSED, opened: false };
  if (policy.failures === 0) return { next: b, opened: false };
  if (b.state === "half_open")
    return { next: { ...b, state: "open", openedAt: now, probing: false }, opened: true };
  if (b.state === "open") return { next: b, opened: false };
  const failures = b.failures + 1;
  if (failures < policy.failures) return { next: { ...b, failures }, opened: false };
  return { next: { state: "open", failures, openedAt: now, probing: false }, opened: true };
}

/** A probe that ended without an outcome (the client left, no key was free): the next call probes. */
export function probeAbandoned(b: Breaker): Breaker {
  return b.probing ? { ...b, probing: false } : b;
}
