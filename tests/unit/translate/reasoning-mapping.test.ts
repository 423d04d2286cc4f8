import { describe, expect, test } from "bun:test";
import { effortForBudget, endUserId, nearestEffort } from "../../../src/translate/request.ts";

describe("reasoning controls", () => {
  test("a thinking budget maps to low, medium or high effort", () => {
    expect([1024, 4095, 4096, 16383, 16384, 64000].map(effortForBudget)).toEqual([
      "low",
      "low",
      "medium",
      "medium",
      "high",
      "high",
    ]);
  });

  test("an effort the backend lacks moves to the nearest one it has, ties to the stronger", () => {
    expect(nearestEffort("xhigh", ["low", "medium", "high"])).toBe("high");
    expect(nearestEffort("max", ["low", "medium", "high"])).toBe("high");
    expect(nearestEffort("minimal", ["low", "medium", "high"])).toBe("low");
    expect(nearestEffort("medium", ["low", "high", "max"])).toBe("high");
    expect(nearestEffort("medium")).toBe("medium");
  });
});

describe("endUserId", () => {
  test("keeps short ids and hashes long ones to the same value every time", () => {
    expect(endUserId("user-42")).toBe("user-42");
    const long = "x".repeat(200);
    expect(endUserId(long)).toBe(endUserId(long));
    expect(endUserId(long)).toMatch(/^sha256-[0-9a-f]{40}$/);
  });
});
