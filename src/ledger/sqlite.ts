// The default ledger store: one SQLite file (bun:sqlite, built into Bun) in WAL mode, so
// `sluice usage` can read it while sluice writes. bun:sqlite is synchronous: the server runs
// this store inside the ledger's worker thread (sqlite-thread.ts), `sluice usage` in its own
// process. busy_timeout is 0 for the server on purpose: a locked file fails the batch at once
// and the writer retries it later, with the rows still buffered and counted, instead of a
// thread that waits on a lock it cannot see the end of. synchronous=NORMAL: a power cut may
// lose the last commits, never corrupt the file.
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { LEDGER_COLUMNS, type LedgerRow } from "./row.ts";
import { LATEST_VERSION, pending, VERSION_TABLE } from "./schema.ts";
import { groupExpr, type KeyTotals, type LedgerStore, toGroup, USAGE_SELECT } from "./store.ts";

/** Rows deleted per statement by retention, so one pass never holds the database for long. */
const DELETE_CHUNK = 5000;
/** Rows per multi-row INSERT: one statement step for many rows is a fifth cheaper than one each. */
const INSERT_CHUNK = 32;

const insertSql = (rows: number) =>
  `INSERT OR IGNORE INTO sluice_usage (${LEDGER_COLUMNS.join(", ")}) VALUES ${Array(rows)
    .fill(`(${LEDGER_COLUMNS.map(() => "?").join(", ")})`)
    .join(", ")}`;

type Value = string | number | null;

/** The values of `count` rows from `from`, in column order, for positional binding. */
function values(rows: readonly LedgerRow[], from: number, count: number): Value[] {
  const out: Value[] = [];
  for (let i = from; i < from + count; i++) {
    const r = rows[i] as unknown as Record<string, Value>;
    for (const c of LEDGER_COLUMNS) out.push(r[c] ?? null);
  }
  return out;
}

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
  let statements: { one: ReturnType<Database["prepare"]>; many: ReturnType<Database["prepare"]> } | undefined;

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
      statements ??= { one: db.prepare(insertSql(1)), many: db.prepare(insertSql(INSERT_CHUNK)) };
      const { one: single, many: chunk } = statements;
      let added = 0;
      db.transaction(() => {
        let i = 0;
        for (; i + INSERT_CHUNK <= rows.length; i += INSERT_CHUNK)
          added += chunk.run(...values(rows, i, INSERT_CHUNK)).changes;
        for (; i < rows.length; i++) added += single.run(...values(rows, i, 1)).changes;
      }).immediate();
      return added;
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
      return rows.map((r) => toGroup(r, q.by));
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
