import { describe, expect, test } from "bun:test";
import { createLogger } from "../../../src/log.ts";
import { createKeyPools, fingerprint } from "../../../src/resilience/pools.ts";

function pools() {
  let now = 1_000_000;
  const lines: string[] = [];
  const p = createKeyPools({
    log: createLogger({ level: "info", format: "json", write: (l) => lines.push(l) }),
    now: () => now,
  });
  return { p, lines, tick: (ms: number) => (now += ms) };
}
const KEYS = ["sk-one", "sk-two"];

describe("key pool state", () => {
  test("each target rotates on its own", () => {
    const { p } = pools();
    const key = (t: string) => {
      const pick = p.pick(t, KEYS, new Set());
      return pick.kind === "key" ? pick.key : pick.kind;
    };
    expect([key("a"), key("a"), key("b"), key("a")]).toEqual(["sk-one", "sk-two", "sk-one", "sk-one"]);
  });

  test("a rest ends by itself; the view shows it with the seconds left", () => {
    const { p, tick } = pools();
    p.answered("a", "sk-one", 429, "10");
    expect(p.view("a", KEYS)).toEqual({
      keys: 2,
      resting: [{ key: fingerprint("sk-one"), seconds: 10 }],
      out: [],
    });
    tick(10_000);
    expect(p.view("a", KEYS).resting).toEqual([]);
  });

  test("a later, shorter 429 does not cut a longer rest short", () => {
    const { p } = pools();
    p.answered("a", "sk-one", 429, "60");
    p.answered("a", "sk-one", 429, "1");
    expect(p.view("a", KEYS).resting[0]?.seconds).toBe(60);
  });

  test("a refused key is logged once, by fingerprint, and stays out until reset", () => {
    const { p, lines, tick } = pools();
    p.answered("a", "sk-one", 401, null);
    p.answered("a", "sk-one", 403, null);
    tick(3600_000);
    expect(p.view("a", KEYS).out).toEqual([fingerprint("sk-one")]);
    expect(lines.filter((l) => l.includes("taken out"))).toHaveLength(1);
    expect(lines.join()).not.toContain("sk-one");
    p.reset();
    expect(p.view("a", KEYS).out).toEqual([]);
  });

  test("fingerprints are short, stable and differ per key", () => {
    expect(fingerprint("sk-one")).toMatch(/^sha256:[0-9a-f]{8}$/);
    expect(fingerprint("sk-one")).toBe(fingerprint("sk-one"));
    expect(fingerprint("sk-one")).not.toBe(fingerprint("sk-two"));
  });
});
