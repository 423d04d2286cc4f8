// The usage ledger as sluice runs it: the store SLUICE_DATABASE_URL names, the batching writer,
// an observer that turns every finished call into one row, the budgets' running totals seeded
// from the ledger once it answers (and, on a shared PostgreSQL, re-read every few seconds so
// the fleet agrees), and retention in the background.

import { dayStart, monthStart } from "../gateway/periods.ts";
import type { SpendTracker } from "../gateway/spend.ts";
import type { Logger } from "../log.ts";
import type { ExchangeObserver } from "../proxy/observe.ts";
import { createDailyCost, type DailyCost } from "./daily.ts";
import { openPostgresStore } from "./postgres.ts";
import { isRecorded, type LedgerRow, toRow } from "./row.ts";
import { openSqliteThreadStore } from "./sqlite-thread.ts";
import type { KeyTotals, LedgerStore } from "./store.ts";
import type { LedgerTarget } from "./url.ts";
import { createLedgerWriter, type LedgerWriter, type WriterOptions } from "./writer.ts";

const DAY_MS = 86_400_000;
/** How often a fleet's instances re-read each other's spend from PostgreSQL. */
export const FLEET_REFRESH_MS = 5000;
const RETENTION_EVERY_MS = 3_600_000;

export interface Ledger {
  store: LedgerStore;
  writer: LedgerWriter;
  /** Cost per UTC day of the last 30 days, for the dashboard. */
  daily: DailyCost;
  observer: ExchangeObserver;
  /** True once the ledger answered (migrated, budgets seeded) within `timeoutMs`. */
  ready(timeoutMs: number): Promise<boolean>;
  close(deadlineMs: number): Promise<void>;
}

export interface LedgerOptions {
  retentionDays: number;
  spend: SpendTracker;
  log: Logger;
  writer?: WriterOptions;
  /** Re-read interval of the fleet's spend (PostgreSQL only). */
  refreshMs?: number;
}

/** The server's store: SQLite in its worker thread, or PostgreSQL (already off the loop). */
export function openStore(target: Exclude<LedgerTarget, { kind: "off" }>): LedgerStore {
  return target.kind === "sqlite" ? openSqliteThreadStore(target.path) : openPostgresStore(target.url);
}

/** Ledger totals plus the rows that are not in the database yet. */
export function withUnwritten(totals: KeyTotals[], rows: readonly LedgerRow[], now: number): KeyTotals[] {
  const byKey = new Map(totals.map((t) => [t.key, { ...t }]));
  const day = dayStart(now);
  const month = monthStart(now);
  for (const r of rows) {
    if (r.key_name === null || r.ts < month || !(r.cost_usd > 0)) continue;
    let t = byKey.get(r.key_name);
    if (!t) {
      t = { key: r.key_name, dayUsd: 0, monthUsd: 0 };
      byKey.set(r.key_name, t);
    }
    t.monthUsd += r.cost_usd;
    if (r.ts >= day) t.dayUsd += r.cost_usd;
  }
  return [...byKey.values()];
}

export function createLedger(store: LedgerStore, opts: LedgerOptions): Ledger {
  const { log, spend } = opts;
  const reseed = async (s: LedgerStore) => {
    const now = Date.now();
    const totals = await s.keyTotals(dayStart(now), monthStart(now));
    spend.replace(withUnwritten(totals, writer.unwritten(), now), now);
  };
  const retain = async (s: LedgerStore) => {
    const n = await s.deleteBefore(Date.now() - opts.retentionDays * DAY_MS);
    if (n === 0) return;
    log.info("ledger retention: old rows deleted", { rows: n, days: opts.retentionDays });
    // Only a retention shorter than the chart deletes rows the chart shows.
    if (opts.retentionDays < 30) daily.refresh();
  };
  const writer = createLedgerWriter(store, log, {
    ...opts.writer,
    onWritten: (rows, added) => daily.written(rows, added),
    onReady: async () => {
      await reseed(store);
      log.info("ledger ready", { store: store.kind, where: store.where });
      writer.run(retain);
    },
  });
  const daily = createDailyCost(writer, { shared: store.kind === "postgres" });
  const timers: ReturnType<typeof setInterval>[] = [
    setInterval(() => writer.run(retain), RETENTION_EVERY_MS),
  ];
  if (store.kind === "postgres") {
    timers.push(setInterval(() => writer.run(reseed), opts.refreshMs ?? FLEET_REFRESH_MS));
  }
  for (const t of timers) t.unref?.();
  return {
    store,
    writer,
    daily,
    observer: {
      onEnd(ex) {
        if (isRecorded(ex)) writer.add(toRow(ex));
      },
    },
    async ready(timeoutMs) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const ok = await Promise.race([writer.whenReady().then(() => true as const), late]);
      clearTimeout(timer);
      return ok;
    },
    async close(deadlineMs) {
      for (const t of timers) clearInterval(t);
      daily.stop();
      await writer.close(deadlineMs);
    },
  };
}
