import { describe, expect, test } from "bun:test";
import { createLogger } from "../../../src/log.ts";
import { createBreakers } from "../../../src/resilience/breakers.ts";

function setup(policy = { failures: 2, cooldownMs: 5000 }) {
  let now = 1_000_000;
  const lines: string[] = [];
  const opened: string[] = [];
  const b = createBreakers({
    log: createLogger({ level: "info", format: "json", write: (l) => lines.push(l) }),
    policy: () => policy,
    onOpen: (t) => opened.push(t),
    now: () => now,
  });
  return { b, lines, opened, policy, tick: (ms: number) => (now += ms) };
}

describe("breaker state per target", () => {
  test("targets break on their own; an open is counted, logged and shown with the wait", () => {
    const { b, lines, opened, tick } = setup();
    b.record("a", true);
    b.record("b", true);
    b.record("a", true);
    expect(b.peek("a")).toBe("skip");
    expect(b.peek("b")).toBe("go");
    expect(opened).toEqual(["a"]);
    expect(lines.filter((l) => l.includes("breaker opened"))).toHaveLength(1);
    tick(2000);
    expect(b.view("a")).toEqual({ state: "open", failures: 2, opens: 1, probeInSeconds: 3 });
  });

  test("the probe goes once; its success closes the breaker and says so", () => {
    const { b, lines, tick } = setup();
    b.record("a", true);
    b.record("a", true);
    tick(5000);
    expect(b.peek("a")).toBe("probe");
    b.admit("a", "probe");
    expect(b.peek("a")).toBe("skip");
    expect(b.view("a").state).toBe("half_open");
    b.record("a", false);
    expect(b.view("a")).toEqual({ state: "closed", failures: 0, opens: 1 });
    expect(lines.some((l) => l.includes("breaker closed"))).toBe(true);
  });

  test("an abandoned probe frees the next call to probe", () => {
    const { b, tick } = setup();
    b.record("a", true);
    b.record("a", true);
    tick(5000);
    b.admit("a", "probe");
    b.abandon("a");
    expect(b.peek("a")).toBe("probe");
  });

  test("the policy is read per call: a reload that turns breaking off applies at once", () => {
    const { b, policy } = setup();
    b.record("a", true);
    b.record("a", true);
    expect(b.peek("a")).toBe("skip");
    policy.failures = 0;
    expect(b.peek("a")).toBe("go");
  });
});
