// Running spend per key for the current UTC day and month: seeded from the ledger at start,
// increased by every finished call, replaced by the fleet's totals when a shared ledger is
// re-read. A new day or month starts from zero by itself; a call that began before the current
// day (a stream running over midnight) counts towards the month it began in, not today. Plain
// data, no I/O; periods are compared as numbers (the start of the UTC day and month), since
// this runs twice per call.
import type { Spend } from "./budget.ts";
import { dayStart, monthStart } from "./periods.ts";

interface Entry {
  /** dayStart() of the day counted in dayUsd. */
  day: number;
  dayUsd: number;
  /** monthStart() of the month counted in monthUsd. */
  month: number;
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
  /** The key's entry, moved on to the day of `now` when that is later than the one it counts. */
  const current = (key: string, now: number): Entry => {
    const day = dayStart(now);
    let e = byKey.get(key);
    if (!e) {
      e = { day, dayUsd: 0, month: monthStart(now), monthUsd: 0 };
      byKey.set(key, e);
    } else if (day > e.day) {
      const month = monthStart(now);
      if (month !== e.month) [e.month, e.monthUsd] = [month, 0];
      [e.day, e.dayUsd] = [day, 0];
    }
    return e;
  };
  return {
    add(key, usd, ts) {
      if (!(usd > 0)) return;
      const e = current(key, ts);
      if (dayStart(ts) === e.day) e.dayUsd += usd;
      if (ts >= e.month) e.monthUsd += usd;
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
