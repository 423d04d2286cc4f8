// OpenAI traffic becomes Langfuse traces: Chat Completions streamed (input shows the
// include_usage sluice added, as forwarded) and whole, with tool calls and reasoning tokens,
// and the Responses API streamed and whole.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { type FakeLangfuse, langfuseEnv, startFakeLangfuse, tracedAs } from "../helpers/fake-langfuse.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

let mock: MockServer;
let lf: FakeLangfuse;
let sluice: TestSluice;
beforeAll(async () => {
  mock = startMockUpstream({ port: 0 });
  lf = startFakeLangfuse();
  sluice = await startSluice({ SLUICE_OPENAI_BASE_URL: mock.url, ...langfuseEnv(lf) });
});
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
  await lf.stop();
});

async function call(path: string, body: unknown) {
  const r = await fetch(`${sluice.url}${path}`, {
    method: "POST",
    headers: { authorization: "Bearer sk-client-openai", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  const id = r.headers.get("x-sluice-request-id")!;
  await sluice.flushTelemetry();
  return { text, id, ...tracedAs(lf, id) };
}

const tools = [
  {
    type: "function",
    function: {
      name: "lookup",
      parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
    },
  },
];

describe("OpenAI Chat Completions traces", () => {
  test("a stream: the forwarded input carries include_usage, the output is the streamed text", async () => {
    const body = { model: "gpt-4.1", stream: true, messages: [{ role: "user", content: "hi there friend" }] };
    const { text, id, trace, generation } = await call("/v1/chat/completions", body);
    let content = "";
    let usage: Record<string, unknown> = {};
    for (const line of text.split("\n")) {
      if (!line.startsWith("data: {")) continue;
      const chunk = JSON.parse(line.slice(6));
      content += chunk.choices[0]?.delta?.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    const cached = (usage.prompt_tokens_details as { cached_tokens: number }).cached_tokens;
    expect(trace).toMatchObject({
      id,
      name: "POST /v1/chat/completions",
      environment: "default",
      tags: ["openai"],
    });
    expect(generation).toMatchObject({
      model: "gpt-4.1",
      input: { ...body, stream_options: { include_usage: true } },
      output: { role: "assistant", content },
      usageDetails: {
        input: (usage.prompt_tokens as number) - cached,
        input_cache_creation: 0,
        input_cache_read: cached,
        output: usage.completion_tokens as number,
        total: usage.total_tokens as number,
      },
      modelParameters: { stream: true },
      level: "DEFAULT",
      metadata: { api: "openai", upstream: "openai", status: 200, stop_reason: "stop" },
    });
    expect(generation.costDetails).toBeDefined();
  });

  test("a whole completion with a tool call and reasoning tokens", async () => {
    const body = {
      model: "gpt-5-mini",
      reasoning_effort: "low",
      tools,
      tool_choice: "required",
      messages: [{ role: "user", content: "find it" }],
    };
    const { text, generation } = await call("/v1/chat/completions", body);
    const completion = JSON.parse(text);
    const call0 = completion.choices[0].message.tool_calls[0];
    expect(generation.output).toEqual({
      role: "assistant",
      content: "",
      tool_calls: [
        { id: call0.id, type: "function", function: { name: "lookup", arguments: '{"q":"mock"}' } },
      ],
    });
    const reasoning = completion.usage.completion_tokens_details.reasoning_tokens;
    expect(reasoning).toBeGreaterThan(0);
    expect(generation.usageDetails).toMatchObject({
      output: completion.usage.completion_tokens - reasoning,
      output_reasoning: reasoning,
    });
    expect(generation.modelParameters).toEqual({
      reasoning_effort: "low",
      tool_choice: "required",
      stream: false,
    });
  });
});

describe("OpenAI Responses traces", () => {
  test("a stream: output text from the deltas, usage from response.completed", async () => {
    const { text, generation } = await call("/v1/responses", {
      model: "gpt-4.1",
      stream: true,
      input: "say something nice",
      max_output_tokens: 50,
    });
    const done = text
      .split("\n")
      .filter((l) => l.startsWith("data: "))
      .map((l) => JSON.parse(l.slice(6)))
      .find((e) => e.type === "response.completed").response;
    expect(generation).toMatchObject({
      name: "POST /v1/responses",
      output: { role: "assistant", content: done.output[0].content[0].text },
      usageDetails: { total: done.usage.total_tokens },
      modelParameters: { max_output_tokens: 50, stream: true },
    });
  });

  test("a whole response with a function call", async () => {
    const { text, generation } = await call("/v1/responses", {
      model: "gpt-4.1",
      input: "use tool lookup",
      tools: [{ type: "function", name: "lookup", parameters: tools[0]!.function.parameters }],
    });
    const item = JSON.parse(text).output[0];
    expect(generation.output).toEqual({
      role: "assistant",
      content: "",
      tool_calls: [
        { id: item.call_id, type: "function", function: { name: "lookup", arguments: item.arguments } },
      ],
    });
  });
});
