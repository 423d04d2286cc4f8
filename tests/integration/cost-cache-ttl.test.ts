// Anthropic's 1-hour cache writes, end to end: an answer that breaks its cache writes down by TTL
// (as Claude Code's `ttl: "1h"` requests get) is priced at 2x input for the 1-hour part, in the
// exchange, /metrics, Prometheus and Langfuse's cost details. Dollars are worked out by hand.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type FakeLangfuse, langfuseEnv, startFakeLangfuse, tracedAs } from "../helpers/fake-langfuse.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { sseHeaders } from "../helpers/stream.ts";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";

const usage = {
  input_tokens: 1000,
  cache_creation_input_tokens: 10_000,
  cache_read_input_tokens: 20_000,
  cache_creation: { ephemeral_5m_input_tokens: 6000, ephemeral_1h_input_tokens: 4000 },
  output_tokens: 500,
};
const message = {
  id: "msg_1",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-6",
  content: [{ type: "text", text: "cached" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage,
};
const event = (type: string, data: unknown) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
const stream = [
  event("message_start", {
    type: "message_start",
    message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
  }),
  event("content_block_start", {
    type: "content_block_start",
    index: 0,
    content_block: { type: "text", text: "" },
  }),
  event("content_block_delta", {
    type: "content_block_delta",
    index: 0,
    delta: { type: "text_delta", text: "cached" },
  }),
  event("content_block_stop", { type: "content_block_stop", index: 0 }),
  event("message_delta", {
    type: "message_delta",
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: { output_tokens: 500 },
  }),
  event("message_stop", { type: "message_stop" }),
].join("");

let upstream: TestUpstream;
let lf: FakeLangfuse;
let sluice: TestSluice;

beforeAll(async () => {
  upstream = startUpstream((_req, seen) =>
    JSON.parse(seen.body).stream === true
      ? new Response(stream, { headers: sseHeaders })
      : Response.json(message),
  );
  lf = startFakeLangfuse();
  sluice = await startSluice(
    { SLUICE_ANTHROPIC_BASE_URL: upstream.url, ...langfuseEnv(lf) },
    { admin: true },
  );
});
afterAll(async () => {
  await sluice.stop();
  await upstream.stop();
  await lf.stop();
});

const ask = (stream: boolean) =>
  fetch(`${sluice.url}/v1/messages`, {
    method: "POST",
    headers: { "anthropic-version": "2023-06-01", "x-api-key": "k" },
    body: JSON.stringify({
      model: "claude-sonnet-4-6",
      max_tokens: 16,
      stream,
      system: [{ type: "text", text: "long rules", cache_control: { type: "ephemeral", ttl: "1h" } }],
      messages: [{ role: "user", content: "hi" }],
    }),
  });

// 1000 x $3 + 6000 x $3.75 + 4000 x $6 + 20000 x $0.30 + 500 x $15
// = 3000 + 22500 + 24000 + 6000 + 7500 micro-dollars = $0.063 per call
const COST = 0.063;

describe("1-hour cache writes are priced at their own rate", () => {
  test("a whole answer and a stream each cost $0.063, in the exchange and in Langfuse", async () => {
    for (const streamed of [false, true]) {
      const r = await ask(streamed);
      await r.text();
      const id = r.headers.get("x-sluice-request-id")!;
      const ex = (await sluice.waitForExchanges(streamed ? 2 : 1)).find((e) => e.id === id);
      expect(ex?.usage).toMatchObject({ cacheWriteTokens: 10_000, cacheWrite1hTokens: 4000 });
      expect(ex?.costUsd).toBeCloseTo(COST, 12);
      await sluice.flushTelemetry();
      const { generation } = tracedAs(lf, id);
      expect(generation.usageDetails).toMatchObject({
        input_cache_creation: 6000,
        input_cache_creation_1h: 4000,
      });
      const cost = generation.costDetails as Record<string, number>;
      expect(cost.input_cache_creation).toBeCloseTo(0.0225, 12); // 6000 x $3.75
      expect(cost.input_cache_creation_1h).toBeCloseTo(0.024, 12); // 4000 x $6
      expect(cost.total).toBeCloseTo(COST, 12);
    }
  });

  test("/metrics and Prometheus count the 1-hour writes as part of the cache writes", async () => {
    const m = (await (await fetch(`${sluice.adminUrl}/metrics`)).json()) as {
      totals: { tokens: { cacheWrite: number; cacheWrite1h: number }; costUsd: number };
    };
    expect(m.totals.tokens).toMatchObject({ cacheWrite: 20_000, cacheWrite1h: 8000 });
    expect(m.totals.costUsd).toBeCloseTo(2 * COST, 12);
    const prom = await (await fetch(`${sluice.adminUrl}/metrics/prometheus`)).text();
    expect(prom).toContain('sluice_cache_write_1h_tokens_total{model="claude-sonnet-4-6"} 8000');
  });
});
