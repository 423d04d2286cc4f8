// What a ledger store does, whatever the database: apply migrations, insert batches of rows,
// answer the aggregate questions (spend per key, usage grouped by one dimension) and delete old
// rows. sqlite.ts and postgres.ts implement it; nothing else talks to a database.
import type { LedgerRow } from "./row.ts";

export const GROUPS = ["key", "model", "day", "session", "provider"] as const;
export type Group = (typeof GROUPS)[number];

export interface UsageQuery {
  /** Epoch ms, inclusive. */
  since: number;
  by: Group;
}

/** One group of `sluice usage` and GET /metrics/usage. */
export interface UsageGroup {
  group: string;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cache_write_tokens: number;
  cache_read_tokens: number;
  cost_usd: number;
}

export interface KeyTotals {
  key: string;
  dayUsd: number;
  monthUsd: number;
}

export interface LedgerStore {
  readonly kind: "sqlite" | "postgres";
  /** Where it is, for logs (passwords redacted). */
  readonly where: string;
  migrate(): Promise<{ from: number; to: number }>;
  /** Inserts the rows whose request id is new; returns how many were added. */
  insert(rows: LedgerRow[]): Promise<number>;
  /** Spend per key since the start of the UTC month, and the part since the start of the day. */
  keyTotals(dayStart: number, monthStart: number): Promise<KeyTotals[]>;
  usage(q: UsageQuery): Promise<UsageGroup[]>;
  /** Deletes rows older than `before`; returns how many. */
  deleteBefore(before: number): Promise<number>;
  close(): Promise<void>;
}

/** The SQL expression each group is keyed by (both dialects understand these but `day`). */
export function groupExpr(by: Group, dialect: "sqlite" | "postgres"): string {
  switch (by) {
    case "key":
      return "COALESCE(key_name, '(no key)')";
    case "model":
      return "COALESCE(model, model_requested, '(none)')";
    case "session":
      return "COALESCE(session_id, '(none)')";
    case "provider":
      return "provider";
    case "day":
      // Whole UTC days since the epoch, named by toGroup: integer division is half the work of
      // formatting a date per row, and the dashboard's chart reads every row of 30 days.
      return dialect === "sqlite" ? "ts / 86400000" : "DIV(ts, 86400000)";
  }
}

/** The SELECT list shared by both stores' usage query. */
export const USAGE_SELECT = `COUNT(*) AS requests,
  SUM(CASE WHEN status >= 400 OR outcome <> 'ok' THEN 1 ELSE 0 END) AS errors,
  SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
  SUM(cache_write_5m_tokens + cache_write_1h_tokens) AS cache_write_tokens,
  SUM(cache_read_tokens) AS cache_read_tokens, SUM(cost_usd) AS cost_usd`;

const DAY_MS = 86_400_000;

/** Rows as numbers whatever the driver returned (PostgreSQL sums of BIGINT come back as text). */
export function toGroup(r: Record<string, unknown>, by: Group): UsageGroup {
  const n = (x: unknown) => Number(x ?? 0);
  return {
    group: by === "day" ? new Date(n(r.grp) * DAY_MS).toISOString().slice(0, 10) : String(r.grp),
    requests: n(r.requests),
    errors: n(r.errors),
    input_tokens: n(r.input_tokens),
    output_tokens: n(r.output_tokens),
    cache_write_tokens: n(r.cache_write_tokens),
    cache_read_tokens: n(r.cache_read_tokens),
    cost_usd: n(r.cost_usd),
  };
}
