import { describe, expect, test } from "bun:test";
import {
  admission,
  admitted,
  afterCall,
  type Breaker,
  CLOSED,
  probeAbandoned,
} from "../../../src/resilience/breaker.ts";

const POLICY = { failures: 3, cooldownMs: 10_000 };
const T = 1_000_000;

/** Runs calls through the state machine: true = failed. */
const run = (outcomes: boolean[], from: Breaker = CLOSED, now = T) =>
  outcomes.reduce((b, failed) => afterCall(b, failed, POLICY, now).next, from);

describe("the circuit breaker", () => {
  test("stays closed below the threshold, and a success resets the count", () => {
    expect(run([true, true])).toMatchObject({ state: "closed", failures: 2 });
    expect(run([true, true, false, true, true])).toMatchObject({ state: "closed", failures: 2 });
  });

  test("opens on the Nth failure in a row, and says so once", () => {
    const two = run([true, true]);
    const third = afterCall(two, true, POLICY, T);
    expect(third).toEqual({
      next: { state: "open", failures: 3, openedAt: T, probing: false },
      opened: true,
    });
    expect(afterCall(third.next, true, POLICY, T + 5).opened).toBe(false);
  });

  test("open: skipped during the cool-down, then one probe, and only one", () => {
    const open = run([true, true, true]);
    expect(admission(open, POLICY, T + 9_999)).toBe("skip");
    expect(admission(open, POLICY, T + 10_000)).toBe("probe");
    const probing = admitted(open, "probe");
    expect(probing).toMatchObject({ state: "half_open", probing: true });
    expect(admission(probing, POLICY, T + 20_000)).toBe("skip");
  });

  test("a probe's success closes it; its failure opens it for another cool-down", () => {
    const probing = admitted(run([true, true, true]), "probe");
    expect(afterCall(probing, false, POLICY, T + 10_000).next).toEqual(CLOSED);
    const again = afterCall(probing, true, POLICY, T + 10_000);
    expect(again).toMatchObject({
      next: { state: "open", openedAt: T + 10_000, probing: false },
      opened: true,
    });
    expect(admission(again.next, POLICY, T + 19_999)).toBe("skip");
  });

  test("an abandoned probe lets the next call probe", () => {
    const probing = admitted(run([true, true, true]), "probe");
    expect(admission(probeAbandoned(probing), POLICY, T + 10_000)).toBe("probe");
    expect(probeAbandoned(CLOSED)).toBe(CLOSED);
  });

  test("a call sent while open (no alternative) that succeeds closes it", () => {
    const open = run([true, true, true]);
    expect(admitted(open, "skip")).toBe(open);
    expect(afterCall(open, false, POLICY, T + 1).next).toEqual(CLOSED);
  });

  test("failures = 0 turns breaking off", () => {
    const off = { failures: 0, cooldownMs: 10_000 };
    let b = CLOSED;
    for (let i = 0; i < 50; i++) b = afterCall(b, true, off, T).next;
    expect(admission(b, off, T)).toBe("go");
  });
});
