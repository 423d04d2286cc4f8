// Budget decisions: whether a key may start another call given what it spent this UTC day and
// month, and if not, which budget it hit and how long until that period resets. Pure.
import type { KeyPolicy } from "../config/keys.ts";
import { secondsToNextDay, secondsToNextMonth } from "./periods.ts";

export interface Spend {
  /** USD spent in the current UTC day. */
  day: number;
  /** USD spent in the current UTC month. */
  month: number;
}

export interface BudgetRefusal {
  period: "day" | "month";
  budgetUsd: number;
  spentUsd: number;
  /** Seconds until the period resets (the later one when both are spent). */
  retryAfterSec: number;
}

/**
 * A call is refused once the spend has reached the budget: the cost of a call is known only
 * when it ends, so the call that crosses the line is allowed and the next one is not.
 */
export function overBudget(policy: KeyPolicy, spend: Spend, now: number): BudgetRefusal | undefined {
  const month =
    policy.budgetUsdMonth !== undefined && spend.month >= policy.budgetUsdMonth
      ? { period: "month" as const, budgetUsd: policy.budgetUsdMonth, spentUsd: spend.month }
      : undefined;
  if (month) return { ...month, retryAfterSec: secondsToNextMonth(now) };
  if (policy.budgetUsdDay !== undefined && spend.day >= policy.budgetUsdDay) {
    return {
      period: "day",
      budgetUsd: policy.budgetUsdDay,
      spentUsd: spend.day,
      retryAfterSec: secondsToNextDay(now),
    };
  }
  return undefined;
}

export function budgetMessage(key: string, r: BudgetRefusal): string {
  const what = r.period === "day" ? "daily" : "monthly";
  return (
    `key "${key}" has used its ${what} budget (${usd(r.spentUsd)} of ${usd(r.budgetUsd)}); ` +
    `it resets at the start of the next UTC ${r.period}`
  );
}

const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;
