import { describe, expect, test } from "bun:test";
import { overBudget } from "../../../src/gateway/budget.ts";
import { secondsToNextDay, secondsToNextMonth } from "../../../src/gateway/periods.ts";
import { createSpendTracker } from "../../../src/gateway/spend.ts";

const policy = { name: "alice", sha256: "", source: "sha256" as const, budgetUsdDay: 1, budgetUsdMonth: 10 };
const t = Date.parse("2026-03-31T23:59:30Z");

describe("budgets", () => {
  test("periods reset at UTC midnight and on the first of the month", () => {
    expect(secondsToNextDay(t)).toBe(30);
    expect(secondsToNextMonth(t)).toBe(30);
    expect(secondsToNextDay(Date.parse("2026-03-10T00:00:00Z"))).toBe(86400);
    expect(secondsToNextMonth(Date.parse("2026-02-28T12:00:00Z"))).toBe(12 * 3600);
  });

  test("under both budgets passes; reaching one refuses until its period resets", () => {
    const noon = Date.parse("2026-03-10T12:00:00Z");
    expect(overBudget(policy, { day: 0.99, month: 5 }, noon)).toBeUndefined();
    expect(overBudget(policy, { day: 1, month: 5 }, noon)).toEqual({
      period: "day",
      budgetUsd: 1,
      spentUsd: 1,
      retryAfterSec: 12 * 3600,
    });
    const month = overBudget(policy, { day: 0.5, month: 10.5 }, noon);
    expect(month?.period).toBe("month");
    expect(month?.retryAfterSec).toBe(secondsToNextMonth(noon));
  });

  test("running totals start from zero on a new day and a new month", () => {
    const s = createSpendTracker();
    s.add("alice", 0.5, Date.parse("2026-03-31T10:00:00Z"));
    s.add("alice", 0.25, Date.parse("2026-03-31T23:00:00Z"));
    expect(s.get("alice", Date.parse("2026-03-31T23:30:00Z"))).toEqual({ day: 0.75, month: 0.75 });
    expect(s.get("alice", Date.parse("2026-04-01T00:00:01Z"))).toEqual({ day: 0, month: 0 });
    s.add("alice", 1, Date.parse("2026-04-02T00:00:00Z"));
    s.replace([{ key: "bob", dayUsd: 2, monthUsd: 3 }], Date.parse("2026-04-02T01:00:00Z"));
    expect(s.get("alice", Date.parse("2026-04-02T01:00:00Z"))).toEqual({ day: 0, month: 0 });
    expect(s.all(Date.parse("2026-04-02T01:00:00Z"))).toEqual([{ key: "bob", dayUsd: 2, monthUsd: 3 }]);
  });

  test("a call that began before midnight counts towards its month, not the new day", () => {
    const s = createSpendTracker();
    s.add("alice", 0.5, Date.parse("2026-03-10T08:00:00Z"));
    // A stream that started yesterday ends after a call of today was counted.
    s.add("alice", 2, Date.parse("2026-03-09T23:59:00Z"));
    expect(s.get("alice", Date.parse("2026-03-10T09:00:00Z"))).toEqual({ day: 0.5, month: 2.5 });
    // One that started last month counts towards neither.
    s.add("alice", 4, Date.parse("2026-02-28T23:59:00Z"));
    expect(s.get("alice", Date.parse("2026-03-10T09:00:00Z"))).toEqual({ day: 0.5, month: 2.5 });
  });
});
