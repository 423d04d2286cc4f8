// What the walk does with an upstream's answer once the target's own retries are done. Pure.
// Nothing here ever sees an answer whose bytes reached the client: the walk asks before relaying.
// A client error (4xx) is the client's to see; only rate limits, refused keys of sluice's own,
// and failures of the target itself (5xx, connect failure, timeout) move the call on.
import type { ProxyError } from "../errors.ts";

export type Move =
  /** Relay this answer to the client. */
  | "deliver"
  /** This key rests or is out: the same target with another key, at once. */
  | "next_key"
  /** The target failed, or rate-limited a key that is not sluice's: the next target, if any. */
  | "next_target";

/**
 * `pooled`: the attempt carried one of sluice's own keys. A 401/403 to the client's own key is
 * the client's business; to sluice's it says the key is bad, and another key may be fine.
 */
export function moveAfterAnswer(status: number, pooled: boolean): Move {
  if (pooled && (status === 429 || status === 401 || status === 403)) return "next_key";
  if (status === 429 || status >= 500) return "next_target";
  return "deliver";
}

/** An attempt that got no answer (connect failure, timeout): the next target, unless the client left. */
export function moveAfterError(err: ProxyError): Move | "stop" {
  return err.kind === "client_closed" ? "stop" : "next_target";
}

/** Whether an outcome counts against the target's health (its circuit breaker). */
export function isTargetFailure(outcome: { status: number } | ProxyError): boolean {
  if ("kind" in outcome) return outcome.kind !== "client_closed";
  return outcome.status >= 500;
}
