// The fleet's ledger store: PostgreSQL through Bun's built-in SQL client (Bun.SQL), a small
// pool that reconnects by itself on the next query after the server went away. Migrations take
// an advisory lock, so instances starting together apply each one once.
import { SQL } from "bun";
import { LEDGER_COLUMNS } from "./row.ts";
import { LATEST_VERSION, pending, VERSION_TABLE } from "./schema.ts";
import { groupExpr, type KeyTotals, type LedgerStore, toGroup, USAGE_SELECT } from "./store.ts";
import { redactUrl } from "./url.ts";

/** pg_advisory_xact_lock key for migrations ("sluice" in ASCII). */
const MIGRATION_LOCK = 0x736c75696365;

export function openPostgresStore(url: string): LedgerStore {
  const sql = new SQL({ url, max: 4, idleTimeout: 60, connectionTimeout: 5 });
  return {
    kind: "postgres",
    where: redactUrl(url),
    async migrate() {
      let from = 0;
      await sql.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
        await tx.unsafe(VERSION_TABLE);
        const [row] = (await tx`SELECT MAX(version) AS v FROM sluice_schema_version`) as {
          v: number | null;
        }[];
        from = Number(row?.v ?? 0);
        if (from > LATEST_VERSION) return;
        for (const m of pending(from)) {
          for (const s of m.statements("postgres")) await tx.unsafe(s);
          await tx`INSERT INTO sluice_schema_version (version, applied_at, what) VALUES (${m.version}, ${Date.now()}, ${m.what})`;
        }
      });
      return { from, to: Math.max(from, LATEST_VERSION) };
    },
    async insert(rows) {
      if (rows.length === 0) return 0;
      const r =
        await sql`INSERT INTO sluice_usage ${sql(rows as unknown as Record<string, unknown>[], ...LEDGER_COLUMNS)} ON CONFLICT (request_id) DO NOTHING`;
      return Number(r.count ?? 0);
    },
    async keyTotals(dayStart, monthStart) {
      const rows = (await sql`
        SELECT key_name AS key, SUM(CASE WHEN ts >= ${dayStart} THEN cost_usd ELSE 0 END) AS day_usd,
               SUM(cost_usd) AS month_usd
        FROM sluice_usage WHERE ts >= ${monthStart} AND key_name IS NOT NULL GROUP BY key_name`) as {
        key: string;
        day_usd: number | string;
        month_usd: number | string;
      }[];
      return rows.map(
        (r): KeyTotals => ({ key: r.key, dayUsd: Number(r.day_usd), monthUsd: Number(r.month_usd) }),
      );
    },
    async usage(q) {
      const expr = groupExpr(q.by, "postgres");
      const order = q.by === "day" ? "grp" : "cost_usd DESC, requests DESC, grp";
      const rows = (await sql.unsafe(
        `SELECT ${expr} AS grp, ${USAGE_SELECT} FROM sluice_usage WHERE ts >= $1 GROUP BY grp ORDER BY ${order}`,
        [q.since],
      )) as Record<string, unknown>[];
      return rows.map((r) => toGroup(r, q.by));
    },
    async deleteBefore(before) {
      const r = await sql`DELETE FROM sluice_usage WHERE ts < ${before}`;
      return Number(r.count ?? 0);
    },
    async close() {
      await sql.close({ timeout: 1 });
    },
  };
}
