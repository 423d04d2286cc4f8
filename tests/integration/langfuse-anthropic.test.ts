// Anthropic traffic becomes Langfuse traces: the session id from Claude Code, the key's name as
// user, the environment tag, the forwarded request as input, the answer the client got as
// output, usage with cache writes and reads, cost details and the three timestamps.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { SseDecoder } from "../../src/sse/parse.ts";
import { type FakeLangfuse, langfuseEnv, startFakeLangfuse, tracedAs } from "../helpers/fake-langfuse.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

const KEY = "sk-sluice-alice-0123456789";
let mock: MockServer;
let lf: FakeLangfuse;
let sluice: TestSluice;
beforeAll(async () => {
  mock = startMockUpstream({ port: 0 });
  lf = startFakeLangfuse();
  sluice = await startSluice({
    SLUICE_ANTHROPIC_BASE_URL: mock.url,
    SLUICE_API_KEYS: `alice=${KEY}`,
    ...langfuseEnv(lf, "ci"),
  });
});
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
  await lf.stop();
});

const request = (stream: boolean) => ({
  model: "claude-sonnet-4-5",
  max_tokens: 256,
  temperature: 0.3,
  stream,
  thinking: { type: "enabled", budget_tokens: 1024 },
  system: [{ type: "text", text: "You are terse. ".repeat(20), cache_control: { type: "ephemeral" } }],
  messages: [{ role: "user", content: "hello there, how are you" }],
});

async function call(body: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(`${sluice.url}/v1/messages`, {
    method: "POST",
    headers: {
      "x-api-key": KEY,
      "anthropic-version": "2023-06-01",
      "x-claude-code-session-id": "cc-session-42",
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  const id = r.headers.get("x-sluice-request-id")!;
  await sluice.flushTelemetry();
  return { text, id, ...tracedAs(lf, id) };
}

/** What the client saw in a stream: text, thinking and the final usage. */
function readStream(text: string) {
  let out = "";
  let thinking = "";
  let usage: Record<string, number> = {};
  const d = new SseDecoder();
  for (const ev of [...d.push(new TextEncoder().encode(text)), ...d.finish()]) {
    const o = JSON.parse(ev.data);
    if (o.type === "content_block_delta" && o.delta.type === "text_delta") out += o.delta.text;
    if (o.type === "content_block_delta" && o.delta.type === "thinking_delta") thinking += o.delta.thinking;
    if (o.type === "message_start") usage = { ...o.message.usage };
    if (o.type === "message_delta") usage = { ...usage, ...o.usage };
  }
  return { out, thinking, usage };
}

const usageOf = (u: Record<string, number>) => ({
  input: u.input_tokens!,
  input_cache_creation: u.cache_creation_input_tokens!,
  input_cache_read: u.cache_read_input_tokens!,
  output: u.output_tokens!,
  total: u.input_tokens! + u.cache_creation_input_tokens! + u.cache_read_input_tokens! + u.output_tokens!,
});

describe("Anthropic traces", () => {
  test("a stream: trace fields, output as the client saw it, cache writes, cost and times", async () => {
    const body = request(true);
    const { text, id, trace, generation } = await call(body, { "x-mock-cache": "write" });
    const seen = readStream(text);
    expect(trace).toMatchObject({
      id,
      name: "POST /v1/messages",
      sessionId: "cc-session-42",
      userId: "alice",
      environment: "ci",
      tags: ["anthropic"],
      metadata: { request_id: id, path: "/v1/messages", upstream: "anthropic", client: "alice" },
    });
    expect(generation).toMatchObject({
      traceId: id,
      name: "POST /v1/messages",
      environment: "ci",
      model: "claude-sonnet-4-5",
      modelParameters: {
        max_tokens: 256,
        temperature: 0.3,
        thinking: '{"type":"enabled","budget_tokens":1024}',
        stream: true,
      },
      input: body,
      output: { role: "assistant", content: seen.out, thinking: seen.thinking },
      usageDetails: usageOf(seen.usage),
      level: "DEFAULT",
      metadata: {
        request_id: id,
        path: "/v1/messages",
        upstream: "anthropic",
        client: "alice",
        retries: 0,
        status: 200,
        outcome: "ok",
        stream: true,
        stop_reason: "end_turn",
      },
    });
    expect(seen.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    const cost = generation.costDetails as Record<string, number>;
    expect(cost.input_cache_creation).toBeGreaterThan(0);
    expect(cost.total).toBeCloseTo((generation.metadata as { cost_usd: number }).cost_usd, 12);
    const [start, first, end] = ["startTime", "completionStartTime", "endTime"].map((k) =>
      Date.parse(generation[k] as string),
    );
    expect(start!).toBeLessThanOrEqual(first!);
    expect(first!).toBeLessThanOrEqual(end!);
  });

  test("a whole message: output and usage with cache reads match the body the client got", async () => {
    const { text, generation } = await call(request(false), { "x-mock-cache": "read" });
    const msg = JSON.parse(text);
    const thinking = msg.content.find((b: { type: string }) => b.type === "thinking").thinking;
    const answer = msg.content.find((b: { type: string }) => b.type === "text").text;
    expect(generation.output).toEqual({ role: "assistant", content: answer, thinking });
    expect(generation.usageDetails).toEqual(usageOf(msg.usage));
    expect(msg.usage.cache_read_input_tokens).toBeGreaterThan(0);
    expect((generation.costDetails as Record<string, number>).input_cache_read).toBeGreaterThan(0);
    expect(generation.modelParameters).toMatchObject({ stream: false });
  });

  test("a tool call is in the output with its arguments", async () => {
    const body = {
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      stream: true,
      tools: [
        {
          name: "get_weather",
          description: "weather",
          input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      ],
      messages: [{ role: "user", content: "use tool get_weather please" }],
    };
    const { generation } = await call(body);
    expect(generation.output).toEqual({
      role: "assistant",
      content: "",
      tool_calls: [
        {
          id: expect.stringMatching(/^toolu_/),
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"mock"}' },
        },
      ],
    });
    expect(generation.metadata).toMatchObject({ stop_reason: "tool_use" });
  });
});
