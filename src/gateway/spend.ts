// Running spend per key for the current UTC day and month: seeded from the ledger at start,
// increased by every finished call, replaced by the fleet's totals when a shared ledger is
// re-read. A new day or month starts from zero by itself. Plain data, no I/O.
import type { Spend } from "./budget.ts";
import { utcDay, utcMonth } from "./periods.ts";

interface Entry {
  day: string;
  dayUsd: number;
  month: string;
  monthUsd: number;
}

/** Totals of one key as a ledger query returns them. */
export interface SpendTotals {
  key: string;
  dayUsd: number;
  monthUsd: number;
}

export interface SpendTracker {
  add(key: string, usd: number, ts: number): void;
  get(key: string, now: number): Spend;
  /** Replaces every key's totals with these (taken at `now`); keys not listed go to zero. */
  replace(totals: SpendTotals[], now: number): void;
  /** Every key with spend in the current month. */
  all(now: number): SpendTotals[];
}

export function createSpendTracker(): SpendTracker {
  const byKey = new Map<string, Entry>();
  const current = (key: string, now: number): Entry => {
    const day = utcDay(now);
    const month = utcMonth(now);
    let e = byKey.get(key);
    if (!e) {
      e = { day, dayUsd: 0, month, monthUsd: 0 };
      byKey.set(key, e);
    }
    if (e.month !== month) [e.month, e.monthUsd] = [month, 0];
    if (e.day !== day) [e.day, e.dayUsd] = [day, 0];
    return e;
  };
  return {
    add(key, usd, ts) {
      if (!(usd > 0)) return;
      const e = current(key, ts);
      e.dayUsd += usd;
      e.monthUsd += usd;
    },
    get(key, now) {
      const e = byKey.get(key);
      if (!e) return { day: 0, month: 0 };
      const c = current(key, now);
      return { day: c.dayUsd, month: c.monthUsd };
    },
    replace(totals, now) {
      byKey.clear();
      for (const t of totals) {
        const e = current(t.key, now);
        e.dayUsd = t.dayUsd;
        e.monthUsd = t.monthUsd;
      }
    },
    all(now) {
      const out: SpendTotals[] = [];
      for (const key of [...byKey.keys()].sort()) {
        const s = this.get(key, now);
        if (s.month > 0 || s.day > 0) out.push({ key, dayUsd: s.day, monthUsd: s.month });
      }
      return out;
    },
  };
}
