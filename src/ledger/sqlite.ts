// The default ledger store: one SQLite file (bun:sqlite, built into Bun) in WAL mode, so
// `sluice usage` can read it while sluice writes. busy_timeout is 0 on purpose: bun:sqlite
// runs on the event loop, so a locked file must fail at once (the writer retries the batch
// later) instead of stalling every client. synchronous=NORMAL: a power cut may lose the last
// commits, never corrupt the file.
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { LEDGER_COLUMNS, type LedgerRow } from "./row.ts";
import { LATEST_VERSION, pending, VERSION_TABLE } from "./schema.ts";
import { groupExpr, type KeyTotals, type LedgerStore, toGroup, USAGE_SELECT } from "./store.ts";

/** Rows deleted per statement by retention, so one pass never holds the loop for long. */
const DELETE_CHUNK = 5000;

export interface SqliteOptions {
  /** Milliseconds a statement waits for a lock: 0 for the server, more for `sluice usage`. */
  busyTimeoutMs?: number;
}

export function openSqliteStore(path: string, opts: SqliteOptions = {}): LedgerStore {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { create: true, strict: true });
  db.run(`PRAGMA busy_timeout = ${opts.busyTimeoutMs ?? 0}`);
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA synchronous = NORMAL");
  const placeholders = LEDGER_COLUMNS.map((c) => `$${c}`).join(", ");
  let insertStmt: ReturnType<Database["prepare"]> | undefined;

  const store: LedgerStore = {
    kind: "sqlite",
    where: file,
    async migrate() {
      db.run(VERSION_TABLE);
      const row = db.query("SELECT MAX(version) AS v FROM sluice_schema_version").get() as {
        v: number | null;
      };
      const from = row.v ?? 0;
      if (from > LATEST_VERSION) return { from, to: from };
      for (const m of pending(from)) {
        db.transaction(() => {
          for (const s of m.statements("sqlite")) db.run(s);
          db.query("INSERT INTO sluice_schema_version (version, applied_at, what) VALUES (?, ?, ?)").run(
            m.version,
            Date.now(),
            m.what,
          );
        }).immediate();
      }
      return { from, to: Math.max(from, LATEST_VERSION) };
    },
    async insert(rows) {
      insertStmt ??= db.prepare(
        `INSERT OR IGNORE INTO sluice_usage (${LEDGER_COLUMNS.join(", ")}) VALUES (${placeholders})`,
      );
      const stmt = insertStmt;
      db.transaction((batch: LedgerRow[]) => {
        for (const r of batch) stmt.run(r as unknown as Record<string, string | number | null>);
      }).immediate(rows);
    },
    async keyTotals(dayStart, monthStart) {
      const rows = db
        .query(
          `SELECT key_name AS key, SUM(CASE WHEN ts >= ? THEN cost_usd ELSE 0 END) AS day_usd,
             SUM(cost_usd) AS month_usd
           FROM sluice_usage WHERE ts >= ? AND key_name IS NOT NULL GROUP BY key_name`,
        )
        .all(dayStart, monthStart) as { key: string; day_usd: number; month_usd: number }[];
      return rows.map((r): KeyTotals => ({ key: r.key, dayUsd: r.day_usd, monthUsd: r.month_usd }));
    },
    async usage(q) {
      const expr = groupExpr(q.by, "sqlite");
      const rows = db
        .query(
          `SELECT ${expr} AS grp, ${USAGE_SELECT} FROM sluice_usage WHERE ts >= ? GROUP BY grp ORDER BY ${
            q.by === "day" ? "grp" : "cost_usd DESC, requests DESC, grp"
          }`,
        )
        .all(q.since) as Record<string, unknown>[];
      return rows.map(toGroup);
    },
    async deleteBefore(before) {
      let total = 0;
      const stmt = db.prepare(
        `DELETE FROM sluice_usage WHERE id IN (SELECT id FROM sluice_usage WHERE ts < ? LIMIT ${DELETE_CHUNK})`,
      );
      for (;;) {
        const n = stmt.run(before).changes;
        total += n;
        if (n < DELETE_CHUNK) return total;
        await Bun.sleep(0);
      }
    },
    async close() {
      db.close(false);
    },
  };
  return store;
}
