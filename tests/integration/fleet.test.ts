// Two sluice instances sharing one PostgreSQL and one Redis behave as one gateway: one ledger
// (each sees the other's calls), one budget (spend on one refuses on the other once the fleet's
// totals are re-read), one rate limit (counted in Redis). Redis going away costs nothing: the
// instances count locally, say so, and go back to Redis when it returns.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sha256Hex } from "../../src/config/keys.ts";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { type KeptLog, keptLog, waitForWritten } from "../helpers/ledger.ts";
import { hasPostgres, hasRedis, type Service, startPostgres, startRedis } from "../helpers/services.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { needTool } from "../helpers/tools.ts";

const KEYS = { spender: "sk-sluice-spender", limited: "sk-sluice-limited" };
const TOML = `
[[keys]]
name = "spender"
key_sha256 = "${sha256Hex(KEYS.spender)}"
budget_usd_day = 0.000001

[[keys]]
name = "limited"
key_sha256 = "${sha256Hex(KEYS.limited)}"
requests_per_minute = 3
`;

const ready =
  needTool("PostgreSQL", hasPostgres, "apt-get install postgresql") &&
  needTool("redis-server", hasRedis, "apt-get install redis-server");

let pg: Service;
let redis: Service;
let mock: MockServer;
let a: TestSluice;
let b: TestSluice;
let logA: KeptLog;
beforeAll(async () => {
  if (!ready) return;
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  mock = startMockUpstream({ port: 0 });
  const env = {
    SLUICE_ANTHROPIC_BASE_URL: mock.url,
    SLUICE_DATABASE_URL: pg.url,
    SLUICE_REDIS_URL: redis.url,
  };
  const opts = { toml: TOML, ledgerWriter: { intervalMs: 50 }, fleetRefreshMs: 100, admin: true };
  logA = keptLog();
  a = await startSluice(env, { ...opts, log: logA.log });
  b = await startSluice(env, opts);
}, 60_000);
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await Promise.all([pg?.stop(), redis?.stop()]);
  await mock?.stop();
});

/** One call, its body read (an unread body would be cut when the instance stops). */
async function ask(s: TestSluice, key: string) {
  const r = await fetch(`${s.url}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 20,
      messages: [{ role: "user", content: "hi" }],
    }),
  });
  return { status: r.status, headers: r.headers, text: await r.text() };
}

async function until(what: string, ok: () => boolean, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

describe.skipIf(!ready)("a fleet on one PostgreSQL and one Redis", () => {
  test("one rate limit: requests on either instance count against the same limit", async () => {
    expect((await ask(a, KEYS.limited)).status).toBe(200);
    expect((await ask(b, KEYS.limited)).status).toBe(200);
    expect((await ask(a, KEYS.limited)).status).toBe(200);
    const r = await ask(b, KEYS.limited);
    expect(r.status).toBe(429);
    expect(r.headers.get("x-sluice-error")).toBe("rate_limited");
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await ask(a, KEYS.limited)).status).toBe(429);
  });

  test("one budget: spend through one instance refuses the key on the other", async () => {
    expect((await ask(a, KEYS.spender)).status).toBe(200);
    await waitForWritten(a, 1);
    await until(
      "b to re-read the fleet's spend",
      () => b.app.gateway.spend.get("spender", Date.now()).day > 0,
    );
    const r = await ask(b, KEYS.spender);
    expect(r.status).toBe(429);
    expect(r.headers.get("x-sluice-error")).toBe("budget_exceeded");
  });

  test("one ledger: each instance's /metrics/usage shows the calls of both", async () => {
    // Calls of its own on each instance (answered or refused, each is a row), so the test stands
    // alone too; the earlier tests' calls count as well.
    await ask(a, KEYS.spender);
    await ask(b, KEYS.limited);
    await until(
      "both ledgers to drain",
      () => a.app.ledger!.writer.stats().buffered + b.app.ledger!.writer.stats().buffered === 0,
    );
    const calls = a.exchanges.length + b.exchanges.length;
    for (const s of [a, b]) {
      const body = (await (await fetch(`${s.adminUrl}/metrics/usage?by=key`)).json()) as {
        totals: { requests: number };
        groups: { group: string; requests: number }[];
      };
      expect(body.totals.requests).toBe(calls);
      expect(body.groups.map((g) => g.group).sort()).toEqual(["limited", "spender"]);
    }
  });

  test("Redis going away: calls go on, counted locally and said so; back in Redis when it returns", async () => {
    await redis.kill();
    const r = await ask(a, "sk-sluice-spender-wrong");
    expect(r.status).toBe(401);
    // A limited key is still answered (its limit counted by this instance alone).
    const limited = await ask(a, KEYS.limited);
    expect([200, 429]).toContain(limited.status);
    expect(limited.headers.get("x-sluice-error") ?? "rate_limited").toBe("rate_limited");
    await logA.waitFor("rate limits counted per instance");
    await redis.restart();
    // The next call after Redis answers again is counted there, and the log says so.
    const end = Date.now() + 20_000;
    while (!logA.lines.some((l) => String(l.msg).includes("counted in Redis again"))) {
      if (Date.now() > end) throw new Error("never back in Redis");
      await ask(a, KEYS.limited);
      await Bun.sleep(50);
    }
  }, 40_000);
});
