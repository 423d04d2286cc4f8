import { describe, expect, test } from "bun:test";
import { createKeyGate, presentedKeys, sameSecret } from "../../../src/proxy/auth.ts";

const gate = createKeyGate([
  { name: "alice", key: "sk-sluice-alice" },
  { name: "bob", key: "sk-sluice-bob-longer-key" },
]);

describe("internal key gate", () => {
  test("accepts Bearer, x-api-key and x-goog-api-key and names the client", () => {
    expect(gate.check(new Headers({ authorization: "Bearer sk-sluice-alice" }), "")).toBe("alice");
    expect(gate.check(new Headers({ "x-api-key": "sk-sluice-bob-longer-key" }), "")).toBe("bob");
    expect(gate.check(new Headers({ "x-goog-api-key": "sk-sluice-alice" }), "")).toBe("alice");
    expect(gate.check(new Headers(), "?key=sk-sluice-alice")).toBe("alice");
  });
  test("rejects wrong keys, prefixes and keys of another length without throwing", () => {
    for (const k of ["", "sk-sluice-alic", "sk-sluice-alice-and-more", "x".repeat(10_000)]) {
      expect(gate.check(new Headers({ "x-api-key": k }), "")).toBeUndefined();
    }
    expect(gate.check(new Headers({ authorization: "Basic sk-sluice-alice" }), "")).toBeUndefined();
  });
  test("is disabled when no keys are configured", () => {
    expect(createKeyGate([]).enabled).toBe(false);
  });
  test("collects every presented credential", () => {
    expect(presentedKeys(new Headers({ authorization: "bearer a", "x-api-key": "b" }), "?key=c")).toEqual([
      "a",
      "b",
      "c",
    ]);
  });
  test("sameSecret compares strings of unequal length safely", () => {
    expect(sameSecret("abc", "abc")).toBe(true);
    expect(sameSecret("abc", "abcd")).toBe(false);
  });
});
