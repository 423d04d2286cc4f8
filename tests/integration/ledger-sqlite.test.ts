// The ledger on SQLite: one row per call with the numbers the client saw and never any text,
// spend that survives a restart, /metrics/usage from the file, and a locked database that
// costs the clients nothing (rows wait, are written later, or are dropped and counted).
import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { sha256Hex } from "../../src/config/keys.ts";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { keptLog, readRows, tempDb, waitForWritten } from "../helpers/ledger.ts";
import { type StartOptions, startSluice, type TestSluice } from "../helpers/sluice.ts";

let mock: MockServer | undefined;
const running: TestSluice[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  await mock?.stop();
  mock = undefined;
});

const KEY = "sk-sluice-alice";
const toml = (extra = "") => `[[keys]]\nname = "alice"\nkey_sha256 = "${sha256Hex(KEY)}"\n${extra}\n`;

async function start(db: string, options: StartOptions = {}) {
  mock ??= startMockUpstream({ port: 0 });
  const s = await startSluice(
    {
      SLUICE_ANTHROPIC_BASE_URL: mock.url,
      SLUICE_OPENAI_BASE_URL: mock.url,
      SLUICE_DATABASE_URL: `sqlite://${db}`,
    },
    { toml: toml(), ledgerWriter: { intervalMs: 50 }, admin: true, ...options },
  );
  running.push(s);
  return s;
}

const ask = (s: TestSluice, text: string, extra: Record<string, string> = {}) =>
  fetch(`${s.url}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": KEY, "content-type": "application/json", ...extra },
    body: JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 50,
      messages: [{ role: "user", content: text }],
    }),
  });

describe("ledger on SQLite", () => {
  test("one row per call with tokens, cost and timings, and never prompt or answer text", async () => {
    const db = tempDb();
    const s = await start(db);
    const r = await ask(s, "CANARY-PROMPT-7731 tell me", {
      "x-claude-code-session-id": "sess-1",
      "x-mock-cache": "write",
    });
    const answer = await r.text();
    expect(r.status).toBe(200);
    const stream = await fetch(`${s.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-4o-mini",
        stream: true,
        messages: [{ role: "user", content: "CANARY-PROMPT-7731" }],
      }),
    });
    await stream.text();
    await waitForWritten(s, 2);
    const [ex] = s.exchanges;
    const rows = readRows(db);
    expect(rows).toHaveLength(2);
    const row = rows[0]!;
    expect(row).toMatchObject({
      request_id: ex!.id,
      key_name: "alice",
      session_id: "sess-1",
      api: "anthropic",
      provider: "anthropic",
      model_requested: "claude-sonnet-4-5",
      status: 200,
      outcome: "ok",
      input_tokens: ex!.usage!.inputTokens,
      output_tokens: ex!.usage!.outputTokens,
      cache_read_tokens: ex!.usage!.cacheReadTokens,
      retries: 0,
    });
    expect(Number(row.cache_write_5m_tokens) + Number(row.cache_write_1h_tokens)).toBe(
      ex!.usage!.cacheWriteTokens,
    );
    expect(row.cost_usd).toBeCloseTo(ex!.costUsd!, 12);
    expect(Number(row.duration_ms)).toBeGreaterThan(0);
    expect(rows[1]).toMatchObject({ api: "openai", model_requested: "gpt-4o-mini", stream: 1 });
    expect(Number(rows[1]!.output_tokens)).toBeGreaterThan(0);
    await s.stop();
    running.length = 0;
    for (const file of [db, `${db}-wal`]) {
      let bytes = "";
      try {
        bytes = readFileSync(file, "latin1");
      } catch {}
      expect(bytes).not.toContain("CANARY-PROMPT-7731");
      expect(bytes).not.toContain(answer.slice(40, 80));
      expect(bytes).not.toContain(KEY);
    }
  });

  test("a key's spend survives a restart and its budget still holds", async () => {
    const db = tempDb();
    const first = await start(db, { toml: toml("budget_usd_day = 0.000001") });
    expect((await ask(first, "hello")).status).toBe(200);
    await first.waitForExchanges(1);
    // Stopping flushes the ledger (SIGTERM does the same in the binary).
    await first.stop();
    running.length = 0;
    const second = await start(db, { toml: toml("budget_usd_day = 0.000001") });
    // The budget is seeded from the ledger before the first call is let through.
    const until = Date.now() + 5000;
    while (second.app.gateway.spend.get("alice", Date.now()).day === 0 && Date.now() < until)
      await Bun.sleep(10);
    const r = await ask(second, "hello again");
    expect(r.status).toBe(429);
    expect(r.headers.get("x-sluice-error")).toBe("budget_exceeded");
    const view = (await (await fetch(`${second.adminUrl}/metrics`)).json()) as {
      sections: { gateway: { keys: { key: string; todayUsd: number; budgetUsdDay?: number }[] } };
    };
    expect(view.sections.gateway.keys[0]).toMatchObject({ key: "alice", budgetUsdDay: 0.000001 });
    expect(view.sections.gateway.keys[0]!.todayUsd).toBeGreaterThan(0);
  });

  test("GET /metrics/usage answers from the ledger, grouped as asked", async () => {
    const db = tempDb();
    const s = await start(db);
    await ask(s, "one");
    await ask(s, "two");
    await waitForWritten(s, 2);
    const r = await fetch(`${s.adminUrl}/metrics/usage?since=1d&by=key`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as {
      by: string;
      groups: { group: string; requests: number; cost_usd: number }[];
    };
    expect(body.by).toBe("key");
    expect(body.groups).toHaveLength(1);
    expect(body.groups[0]).toMatchObject({ group: "alice", requests: 2 });
    expect(body.groups[0]!.cost_usd).toBeCloseTo(
      s.exchanges.reduce((a, e) => a + (e.costUsd ?? 0), 0),
      10,
    );
    const byModel = (await (await fetch(`${s.adminUrl}/metrics/usage?by=model`)).json()) as {
      groups: { group: string }[];
    };
    expect(byModel.groups[0]!.group).toContain("claude");
    const bad = await fetch(`${s.adminUrl}/metrics/usage?since=yesterday`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("since");
  });

  test("a locked database costs the clients nothing: rows wait and are written once it is free", async () => {
    const db = tempDb();
    const kept = keptLog();
    const s = await start(db, { log: kept.log });
    await ask(s, "warm up");
    await waitForWritten(s, 1);
    const locker = new Database(db);
    locker.run("BEGIN EXCLUSIVE");
    for (let i = 0; i < 5; i++) expect((await ask(s, `while locked ${i}`)).status).toBe(200);
    await kept.waitFor("ledger write failed");
    expect(s.app.ledger!.writer.stats().buffered).toBe(5);
    locker.run("COMMIT");
    locker.close();
    await waitForWritten(s, 6);
    await kept.waitFor("ledger writes resumed");
    expect(readRows(db)).toHaveLength(6);
  });

  test("past its bound the buffer drops the oldest rows, counts and logs them", async () => {
    const db = tempDb();
    const kept = keptLog();
    const s = await start(db, { log: kept.log, ledgerWriter: { intervalMs: 50, maxBuffered: 3 } });
    await ask(s, "warm up");
    await waitForWritten(s, 1);
    const locker = new Database(db);
    locker.run("BEGIN EXCLUSIVE");
    for (let i = 0; i < 6; i++) expect((await ask(s, `while locked ${i}`)).status).toBe(200);
    expect(s.app.ledger!.writer.stats()).toMatchObject({ dropped: 3, buffered: 3 });
    expect(s.app.metrics.prometheus()).toContain("sluice_ledger_rows_dropped_total 3");
    locker.run("COMMIT");
    locker.close();
    const line = await kept.waitFor("oldest rows dropped");
    expect(line.dropped_total).toBeGreaterThanOrEqual(1);
    await waitForWritten(s, 4);
    // The newest rows were kept.
    expect(readRows(db).map((r) => r.request_id)).toEqual([
      s.exchanges[0]!.id,
      ...s.exchanges.slice(4).map((e) => e.id),
    ]);
  });
});
