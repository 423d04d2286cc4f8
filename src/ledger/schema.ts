// The ledger's tables, as versioned migrations for both SQLite and PostgreSQL. Each store runs
// the ones it has not applied yet at start, in order, in one transaction each, and records
// them in sluice_schema_version; a database newer than this binary is left alone (and said so).
import { LEDGER_COLUMNS, type LedgerRow } from "./row.ts";

export type Dialect = "sqlite" | "postgres";

type ColumnType = "text" | "int" | "real";

/** Column types of the usage table; `?` marks columns that may be NULL. */
const COLUMN_TYPES: Record<keyof LedgerRow, `${ColumnType}${"" | "?"}`> = {
  ts: "int",
  request_id: "text",
  key_name: "text?",
  session_id: "text?",
  method: "text",
  path: "text",
  api: "text",
  provider: "text",
  model_requested: "text?",
  model: "text?",
  status: "int",
  outcome: "text",
  error_kind: "text?",
  stream: "int",
  input_tokens: "int",
  output_tokens: "int",
  cache_write_5m_tokens: "int",
  cache_write_1h_tokens: "int",
  cache_read_tokens: "int",
  reasoning_tokens: "int",
  tokens_estimated: "int",
  cost_usd: "real",
  ttfb_ms: "real?",
  duration_ms: "real",
  retries: "int",
  fallback: "text?",
  scrub_hits: "int",
  bytes_in: "int",
  bytes_out: "int",
};

const SQL_TYPE: Record<Dialect, Record<ColumnType, string>> = {
  sqlite: { text: "TEXT", int: "INTEGER", real: "REAL" },
  postgres: { text: "TEXT", int: "BIGINT", real: "DOUBLE PRECISION" },
};

function usageTable(d: Dialect): string {
  const cols = LEDGER_COLUMNS.map((name) => {
    const t = COLUMN_TYPES[name];
    const nullable = t.endsWith("?");
    const base = t.replace("?", "") as ColumnType;
    return `  ${name} ${SQL_TYPE[d][base]}${nullable ? "" : " NOT NULL"}`;
  });
  const id = d === "sqlite" ? "id INTEGER PRIMARY KEY" : "id BIGSERIAL PRIMARY KEY";
  return `CREATE TABLE sluice_usage (\n  ${id},\n${cols.join(",\n")}\n)`;
}

export interface Migration {
  version: number;
  what: string;
  statements(d: Dialect): string[];
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    what: "usage table with indexes by time, by key and by request id",
    statements: (d) => [
      usageTable(d),
      "CREATE INDEX sluice_usage_ts ON sluice_usage (ts)",
      "CREATE INDEX sluice_usage_key_ts ON sluice_usage (key_name, ts)",
      // A batch retried after a lost answer must not count a call twice.
      "CREATE UNIQUE INDEX sluice_usage_request_id ON sluice_usage (request_id)",
    ],
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export const VERSION_TABLE =
  "CREATE TABLE IF NOT EXISTS sluice_schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL, what TEXT NOT NULL)";

/** The migrations a database at `current` still needs, in order. */
export const pending = (current: number): Migration[] => MIGRATIONS.filter((m) => m.version > current);
