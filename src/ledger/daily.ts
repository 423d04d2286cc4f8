// Cost per UTC day over the last 30 days, for the dashboard's chart: read from the ledger in
// the background (through the writer's queue, so it never competes with a write) and kept
// here, so a dashboard stream never waits for the database. Intact after a restart, since it
// comes from the ledger.
import type { LedgerWriter } from "./writer.ts";

export interface DayCost {
  day: string;
  costUsd: number;
  requests: number;
}

const DAYS = 30;
const DAY_MS = 86_400_000;

export interface DailyCost {
  days(): DayCost[];
  stop(): void;
}

export function createDailyCost(writer: LedgerWriter, everyMs = 15_000): DailyCost {
  let latest: DayCost[] = [];
  const read = () =>
    writer.run(async (store) => {
      const since = Math.floor(Date.now() / DAY_MS) * DAY_MS - (DAYS - 1) * DAY_MS;
      const groups = await store.usage({ since, by: "day" });
      latest = groups.map((g) => ({ day: g.group, costUsd: g.cost_usd, requests: g.requests }));
    });
  void writer.whenReady().then(read);
  const timer = setInterval(read, everyMs);
  timer.unref?.();
  return { days: () => latest, stop: () => clearInterval(timer) };
}

/** The last 30 UTC days ending today, with zero for the days the ledger has no row for. */
export function lastDays(rows: DayCost[], now: number): DayCost[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const out: DayCost[] = [];
  for (let i = DAYS - 1; i >= 0; i--) {
    const day = new Date(today - i * DAY_MS).toISOString().slice(0, 10);
    out.push(byDay.get(day) ?? { day, costUsd: 0, requests: 0 });
  }
  return out;
}
