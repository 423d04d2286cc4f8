// Usage and cost are read from every API's answers, streamed or not, compressed or not,
// on a side path: the same numbers the client itself sees.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

let mock: MockServer;
let sluice: TestSluice;
beforeAll(async () => {
  mock = startMockUpstream({ port: 0 });
  sluice = await startSluice({
    SLUICE_ANTHROPIC_BASE_URL: mock.url,
    SLUICE_OPENAI_BASE_URL: mock.url,
    SLUICE_GEMINI_BASE_URL: mock.url,
  });
});
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
});

const anthropicBody = (stream: boolean) =>
  JSON.stringify({
    model: "claude-sonnet-4-5",
    max_tokens: 100,
    stream,
    messages: [{ role: "user", content: "hello there, how are you today" }],
  });

async function lastExchange(n: number) {
  const all = await sluice.waitForExchanges(n);
  return all[n - 1]!;
}

describe("usage from responses", () => {
  test("Anthropic non-stream: usage and cost match the body the client got", async () => {
    const r = await fetch(`${sluice.url}/v1/messages`, { method: "POST", body: anthropicBody(false) });
    const body = await r.json();
    const ex = await lastExchange(sluice.exchanges.length || 1);
    expect(ex.usage?.inputTokens).toBe(body.usage.input_tokens);
    expect(ex.usage?.outputTokens).toBe(body.usage.output_tokens);
    expect(ex.model).toBe(body.model);
    expect(ex.costUsd).toBeGreaterThan(0);
  });

  test("Anthropic stream: usage equals the non-stream answer to the same request", async () => {
    const n = sluice.exchanges.length;
    await (await fetch(`${sluice.url}/v1/messages`, { method: "POST", body: anthropicBody(false) })).json();
    await (await fetch(`${sluice.url}/v1/messages`, { method: "POST", body: anthropicBody(true) })).text();
    const [plain, streamed] = (await sluice.waitForExchanges(n + 2)).slice(n);
    expect(streamed!.stream).toBe(true);
    expect(streamed!.usage).toEqual(plain!.usage!);
    expect(streamed!.stopReason).toBe("end_turn");
  });

  test("gzip-compressed answers are read too", async () => {
    const n = sluice.exchanges.length;
    const r = await fetch(`${sluice.url}/v1/messages`, {
      method: "POST",
      body: anthropicBody(false),
      headers: { "x-mock-gzip": "1", "accept-encoding": "gzip" },
    });
    expect(r.headers.get("content-encoding")).toBe("gzip");
    const body = await r.json();
    const [ex] = (await sluice.waitForExchanges(n + 1)).slice(n);
    expect(ex!.usage?.outputTokens).toBe(body.usage.output_tokens);
  });

  test("OpenAI stream: usage comes from the include_usage chunk sluice asked for", async () => {
    const n = sluice.exchanges.length;
    const r = await fetch(`${sluice.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({
        model: "gpt-4.1",
        stream: true,
        messages: [{ role: "user", content: "hi there" }],
      }),
    });
    const text = await r.text();
    expect(text).toContain('"usage":{');
    const [ex] = (await sluice.waitForExchanges(n + 1)).slice(n);
    expect(ex!.usage?.outputTokens).toBeGreaterThan(0);
    expect(ex!.model).toBe("gpt-4.1");
  });

  test("Gemini stream: usageMetadata is read from the SSE stream", async () => {
    const n = sluice.exchanges.length;
    const r = await fetch(`${sluice.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, {
      method: "POST",
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hello gemini" }] }] }),
    });
    await r.text();
    const [ex] = (await sluice.waitForExchanges(n + 1)).slice(n);
    expect(ex!.requestModel).toBe("gemini-2.5-flash");
    expect(ex!.usage?.inputTokens).toBeGreaterThan(0);
    expect(ex!.usage?.outputTokens).toBeGreaterThan(0);
  });
});
