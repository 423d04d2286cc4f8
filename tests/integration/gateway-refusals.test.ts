// [[keys]] entries with a model allow-list, budgets and rate limits: refused calls get the
// status, headers and error shape the contract names, in the client's own format, and the
// upstream never sees them.
import { afterEach, describe, expect, test } from "bun:test";
import { sha256Hex } from "../../src/config/keys.ts";
import { secondsToNextDay } from "../../src/gateway/periods.ts";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

let mock: MockServer | undefined;
let sluice: TestSluice | undefined;
afterEach(async () => {
  await sluice?.stop();
  await mock?.stop();
  sluice = mock = undefined;
});

const ALICE = "sk-sluice-alice-key";
const BOB = "sk-sluice-bob-key";

async function setup(aliceExtra: string) {
  mock = startMockUpstream({ port: 0 });
  sluice = await startSluice(
    { SLUICE_ANTHROPIC_BASE_URL: mock.url, SLUICE_OPENAI_BASE_URL: mock.url },
    {
      toml: `
[[keys]]
name = "alice"
key_sha256 = "${sha256Hex(ALICE)}"
${aliceExtra}

[[keys]]
name = "bob"
key_sha256 = "${sha256Hex(BOB)}"
`,
    },
  );
  return sluice;
}

const upstreamCalls = () => mock!.requests.length;

const messages = (key: string, model = "claude-sonnet-4-5") =>
  fetch(`${sluice!.url}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify({ model, max_tokens: 50, messages: [{ role: "user", content: "hello there" }] }),
  });

const chat = (key: string, model: string) =>
  fetch(`${sluice!.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello" }] }),
  });

describe("[[keys]] refusals", () => {
  test("a key given by its SHA-256 is accepted and names the client", async () => {
    const proxy = await setup("");
    expect((await messages(ALICE)).status).toBe(200);
    expect((await messages("sk-sluice-wrong")).status).toBe(401);
    const [ok] = await proxy.waitForExchanges(2);
    expect(ok?.client).toBe("alice");
  });

  test("a model outside the allow-list gets 403 permission_error before any upstream", async () => {
    await setup('models = ["claude-haiku-*", "gpt-4o-mini"]');
    const r = await messages(ALICE, "claude-opus-4-1");
    expect(r.status).toBe(403);
    expect(r.headers.get("x-sluice-error")).toBe("model_not_allowed");
    const body = (await r.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("permission_error");
    expect(body.error.message).toContain("alice");
    expect(body.error.message).toContain("claude-opus-4-1");
    const o = await chat(ALICE, "gpt-4o");
    expect(o.status).toBe(403);
    expect(((await o.json()) as { error: { code: string } }).error.code).toBe("model_not_allowed");
    expect(await upstreamCalls()).toBe(0);
    expect((await messages(ALICE, "claude-haiku-4-5")).status).toBe(200);
    expect((await chat(ALICE, "gpt-4o-mini")).status).toBe(200);
    // Another key without an allow-list may use anything.
    expect((await messages(BOB, "claude-opus-4-1")).status).toBe(200);
    expect(await upstreamCalls()).toBe(3);
  });

  test("over the daily budget: 429 rate_limit_error, retry-after until UTC midnight, no upstream", async () => {
    const proxy = await setup("budget_usd_day = 0.000001");
    expect((await messages(ALICE)).status).toBe(200);
    const [first] = await proxy.waitForExchanges(1);
    expect(first?.costUsd).toBeGreaterThan(0.000001);
    const before = secondsToNextDay(Date.now());
    const r = await messages(ALICE);
    expect(r.status).toBe(429);
    expect(r.headers.get("x-sluice-error")).toBe("budget_exceeded");
    const retry = Number(r.headers.get("retry-after"));
    expect(retry).toBeLessThanOrEqual(before);
    expect(retry).toBeGreaterThanOrEqual(before - 60);
    const body = (await r.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("rate_limit_error");
    expect(body.error.message).toContain('key "alice"');
    expect(body.error.message).toContain("daily budget");
    expect(await upstreamCalls()).toBe(1);
    // Bob's spend is his own.
    expect((await messages(BOB)).status).toBe(200);
  });

  test("the monthly budget is checked too", async () => {
    await setup("budget_usd_month = 0");
    const r = await messages(ALICE);
    expect(r.status).toBe(429);
    expect(r.headers.get("x-sluice-error")).toBe("budget_exceeded");
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain("monthly budget");
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await upstreamCalls()).toBe(0);
  });

  test("over requests_per_minute: 429 with retry-after and x-sluice-error rate_limited", async () => {
    await setup("requests_per_minute = 2");
    expect((await messages(ALICE)).status).toBe(200);
    expect((await messages(ALICE)).status).toBe(200);
    const r = await chat(ALICE, "gpt-4o");
    expect(r.status).toBe(429);
    expect(r.headers.get("x-sluice-error")).toBe("rate_limited");
    const retry = Number(r.headers.get("retry-after"));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(120);
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain(
      "2 requests per minute",
    );
    expect(await upstreamCalls()).toBe(2);
    expect((await messages(BOB)).status).toBe(200);
  });

  test("over tokens_per_minute once the minute's tokens reached the limit", async () => {
    const proxy = await setup("tokens_per_minute = 5");
    expect((await messages(ALICE)).status).toBe(200);
    await proxy.waitForExchanges(1);
    const r = await messages(ALICE);
    expect(r.status).toBe(429);
    expect(r.headers.get("x-sluice-error")).toBe("rate_limited");
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain("tokens per minute");
    expect(await upstreamCalls()).toBe(1);
  });

  test("refusals are counted by reason on /metrics and Prometheus", async () => {
    const proxy = await setup('budget_usd_month = 0\nmodels = ["claude-*"]');
    await messages(ALICE, "gpt-4o");
    await messages(ALICE);
    await messages("wrong-key");
    const prom = proxy.app.metrics.prometheus();
    expect(prom).toContain('sluice_refusals_total{reason="model_not_allowed"} 1');
    expect(prom).toContain('sluice_refusals_total{reason="budget_exceeded"} 1');
    expect(prom).toContain('sluice_refusals_total{reason="unauthorized"} 1');
    expect(prom).toContain('sluice_key_budget_usd{key="alice",period="month"} 0');
  });
});
