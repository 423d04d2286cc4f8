// The ledger looks after itself: rows older than SLUICE_LEDGER_RETENTION_DAYS are deleted in
// the background, a database that lost its tables gets them back before the next write, and
// with the ledger off /metrics/usage says so instead of failing.
import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import type { LedgerRow } from "../../src/ledger/row.ts";
import { openSqliteStore } from "../../src/ledger/sqlite.ts";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { readRows, tempDb, waitForWritten } from "../helpers/ledger.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

let mock: MockServer | undefined;
let sluice: TestSluice | undefined;
afterEach(async () => {
  await sluice?.stop();
  await mock?.stop();
  sluice = mock = undefined;
});

const DAY = 86_400_000;
const row = (id: string, ts: number): LedgerRow => ({
  ts,
  request_id: id,
  key_name: "old",
  session_id: null,
  method: "POST",
  path: "/v1/messages",
  api: "anthropic",
  provider: "anthropic",
  model_requested: "m",
  model: "m",
  status: 200,
  outcome: "ok",
  error_kind: null,
  stream: 0,
  input_tokens: 1,
  output_tokens: 1,
  cache_write_5m_tokens: 0,
  cache_write_1h_tokens: 0,
  cache_read_tokens: 0,
  reasoning_tokens: 0,
  tokens_estimated: 0,
  cost_usd: 0.5,
  ttfb_ms: 1,
  duration_ms: 1,
  retries: 0,
  fallback: null,
  scrub_hits: 0,
  bytes_in: 1,
  bytes_out: 1,
});

const ask = (s: TestSluice) =>
  fetch(`${s.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 20,
      messages: [{ role: "user", content: "hi" }],
    }),
  }).then((r) => r.text());

async function until(what: string, ok: () => boolean) {
  const end = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

describe("ledger upkeep", () => {
  test("rows older than the retention are deleted, newer ones stay", async () => {
    const db = tempDb("retention");
    const store = openSqliteStore(db);
    await store.migrate();
    await store.insert([
      row("old-1", Date.now() - 10 * DAY),
      row("old-2", Date.now() - 3 * DAY),
      row("new", Date.now() - DAY / 2),
    ]);
    await store.close();
    mock = startMockUpstream({ port: 0 });
    sluice = await startSluice(
      {
        SLUICE_ANTHROPIC_BASE_URL: mock.url,
        SLUICE_DATABASE_URL: `sqlite://${db}`,
        SLUICE_LEDGER_RETENTION_DAYS: "2",
      },
      { ledgerWriter: { intervalMs: 50 } },
    );
    await until("retention to run", () => readRows(db).length === 1);
    expect(readRows(db).map((r) => r.request_id)).toEqual(["new"]);
  });

  test("a database that lost its tables gets them back and the rows are written", async () => {
    const db = tempDb("schema");
    mock = startMockUpstream({ port: 0 });
    sluice = await startSluice(
      { SLUICE_ANTHROPIC_BASE_URL: mock.url, SLUICE_DATABASE_URL: `sqlite://${db}` },
      { ledgerWriter: { intervalMs: 50 } },
    );
    await ask(sluice);
    await waitForWritten(sluice, 1);
    // As if an older backup without sluice's tables had been put in place.
    const other = new Database(db);
    other.run("DROP TABLE sluice_usage");
    other.run("DROP TABLE sluice_schema_version");
    other.close();
    await ask(sluice);
    await ask(sluice);
    await waitForWritten(sluice, 3);
    expect(readRows(db)).toHaveLength(2);
  });

  test("with the ledger off, /metrics/usage answers 404 saying so", async () => {
    mock = startMockUpstream({ port: 0 });
    sluice = await startSluice(
      { SLUICE_ANTHROPIC_BASE_URL: mock.url, SLUICE_DATABASE_URL: "off" },
      { admin: true },
    );
    const r = await fetch(`${sluice.adminUrl}/metrics/usage`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain("ledger is off");
    expect(sluice.app.ledger).toBeUndefined();
  });
});
