// The ledger on a real PostgreSQL (Debian's package, started unprivileged on a free port):
// versioned migrations applied once, one row per call, and a database killed mid-traffic that
// costs the clients nothing: every call is answered, rows wait, and are written once the
// database is back.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SQL } from "bun";
import { sha256Hex } from "../../src/config/keys.ts";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { keptLog, waitForWritten } from "../helpers/ledger.ts";
import { hasPostgres, type Service, startPostgres } from "../helpers/services.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { needTool } from "../helpers/tools.ts";

const KEY = "sk-sluice-pg";
const ready = needTool("PostgreSQL", hasPostgres, "apt-get install postgresql");
let pg: Service;
let mock: MockServer;
beforeAll(async () => {
  if (!ready) return;
  pg = await startPostgres();
  mock = startMockUpstream({ port: 0 });
}, 60_000);
afterAll(async () => {
  await pg?.stop();
  await mock?.stop();
});

async function start(log = keptLog()) {
  return await startSluice(
    { SLUICE_ANTHROPIC_BASE_URL: mock.url, SLUICE_DATABASE_URL: pg.url },
    {
      toml: `[[keys]]\nname = "pg-user"\nkey_sha256 = "${sha256Hex(KEY)}"\n`,
      ledgerWriter: { intervalMs: 50, opTimeoutMs: 2000 },
      log: log.log,
    },
  );
}

const ask = (s: TestSluice, i: number) =>
  fetch(`${s.url}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": KEY, "content-type": "application/json" },
    body: JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 20,
      messages: [{ role: "user", content: `hi ${i}` }],
    }),
  });

async function count(sql: SQL): Promise<number> {
  const [r] = (await sql`SELECT COUNT(*)::int AS n FROM sluice_usage`) as { n: number }[];
  return r?.n ?? 0;
}

describe.skipIf(!ready)("ledger on PostgreSQL", () => {
  test("migrations run once and are recorded by version; rows arrive", async () => {
    const a = await start();
    const b = await start();
    expect((await ask(a, 1)).status).toBe(200);
    await waitForWritten(a, 1);
    const sql = new SQL(pg.url);
    const versions = (await sql`SELECT version FROM sluice_schema_version ORDER BY version`) as {
      version: number;
    }[];
    expect(versions.map((v) => v.version)).toEqual([1]);
    const [row] = (await sql`SELECT key_name, model_requested, status, cost_usd FROM sluice_usage`) as Record<
      string,
      unknown
    >[];
    expect(row).toMatchObject({ key_name: "pg-user", model_requested: "claude-sonnet-4-5" });
    expect(Number(row?.status)).toBe(200);
    expect(Number(row?.cost_usd)).toBeCloseTo(a.exchanges[0]!.costUsd!, 12);
    await sql`TRUNCATE sluice_usage`;
    await sql.close();
    await a.stop();
    await b.stop();
  }, 30_000);

  test("the database killed mid-traffic: every call is answered, rows are written once it is back", async () => {
    const log = keptLog();
    const s = await start(log);
    for (let i = 0; i < 5; i++) expect((await ask(s, i)).status).toBe(200);
    await waitForWritten(s, 5);
    await pg.kill();
    for (let i = 5; i < 25; i++) expect((await ask(s, i)).status).toBe(200);
    await log.waitFor("ledger write failed");
    expect(s.app.ledger!.writer.stats().buffered).toBeGreaterThan(0);
    await pg.restart();
    await waitForWritten(s, 25, 30_000).catch((e) => {
      console.log(JSON.stringify(log.lines.filter((l) => String(l.msg).includes("ledger"))));
      throw e;
    });
    await log.waitFor("ledger writes resumed");
    const sql = new SQL(pg.url);
    expect(await count(sql)).toBe(25);
    await sql.close();
    await s.stop();
  }, 60_000);
});
