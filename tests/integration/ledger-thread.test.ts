// The SQLite ledger in its worker thread: the same answers as the store run in place (inserts
// counted once per request id, usage by day named by date, spend per key), the file shared with
// a reader in another connection, and a worker that dies failing only the call it had, the next
// call starting a new thread on the same file.
import { afterEach, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import type { LedgerRow } from "../../src/ledger/row.ts";
import { openSqliteThreadStore } from "../../src/ledger/sqlite-thread.ts";
import type { LedgerStore } from "../../src/ledger/store.ts";
import { readRows, tempDb } from "../helpers/ledger.ts";

const opened: LedgerStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

const DAY = 86_400_000;
const row = (id: string, ts: number, key: string | null, cost: number): LedgerRow => ({
  ts,
  request_id: id,
  key_name: key,
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
  input_tokens: 3,
  output_tokens: 5,
  cache_write_5m_tokens: 0,
  cache_write_1h_tokens: 0,
  cache_read_tokens: 0,
  reasoning_tokens: 0,
  tokens_estimated: 0,
  cost_usd: cost,
  ttfb_ms: null,
  duration_ms: 1.5,
  retries: 0,
  fallback: null,
  scrub_hits: 0,
  bytes_in: 10,
  bytes_out: 20,
});

const open = (path: string, url?: string) => {
  const s = openSqliteThreadStore(path, url);
  opened.push(s);
  return s;
};

describe("SQLite ledger in a worker thread", () => {
  test("writes batches once per request id and answers usage and spend like the store in place", async () => {
    const db = tempDb("thread");
    const s = open(db);
    expect(await s.migrate()).toEqual({ from: 0, to: 1 });
    const now = Date.now();
    // More rows than one multi-row statement holds, and a remainder.
    const rows = Array.from({ length: 70 }, (_, i) => row(`r${i}`, now - (i % 2) * DAY, "alice", 0.01));
    expect(await s.insert(rows)).toBe(70);
    expect(await s.insert([rows[0]!, row("new", now, null, 1)])).toBe(1);
    const inFile = readRows(db);
    expect(inFile).toHaveLength(71);
    expect(inFile[69]).toMatchObject({
      request_id: "r69",
      key_name: "alice",
      ttfb_ms: null,
      duration_ms: 1.5,
    });
    const byDay = await s.usage({ since: now - 2 * DAY, by: "day" });
    expect(byDay.map((g) => [g.group, g.requests])).toEqual([
      [new Date(now - DAY).toISOString().slice(0, 10), 35],
      [new Date(now).toISOString().slice(0, 10), 36],
    ]);
    const dayStart = Math.floor(now / DAY) * DAY;
    const [alice] = await s.keyTotals(dayStart, dayStart - 2 * DAY);
    expect(alice!.key).toBe("alice");
    expect(alice!.monthUsd).toBeCloseTo(0.7, 10);
    expect(alice!.dayUsd).toBeCloseTo(0.35, 10);
    expect(await s.deleteBefore(dayStart)).toBe(35);
  });

  test("a worker that dies fails the call it had; the next call starts a new one on the same file", async () => {
    const db = tempDb("thread-dies");
    writeFileSync(`${db}.die-once`, "");
    const s = open(db, new URL("../helpers/failing-ledger-worker.ts", import.meta.url).href);
    await s.migrate();
    await expect(s.insert([row("a", Date.now(), null, 0)])).rejects.toThrow("ledger worker stopped");
    await s.migrate();
    expect(await s.insert([row("a", Date.now(), null, 0), row("b", Date.now(), null, 0)])).toBe(2);
    expect(readRows(db).map((r) => r.request_id)).toEqual(["a", "b"]);
  });

  test("an unopenable file fails each call with SQLite's reason, and the server's writer retries", async () => {
    const s = open("/proc/no-such-dir/sluice.db");
    await expect(s.migrate()).rejects.toThrow();
  });
});
