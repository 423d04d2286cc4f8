import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { useMock } from "./helpers.ts";

const mock = useMock();
const client = () => new OpenAI({ baseURL: `${mock.current.url}/v1`, apiKey: "x", maxRetries: 0 });
const tools = [
  {
    type: "function" as const,
    function: {
      name: "lookup",
      parameters: {
        type: "object",
        properties: { q: { type: "string" }, n: { type: "number" } },
        required: ["q", "n"],
      },
    },
  },
];

describe("the openai SDK against the mock", () => {
  test("creates a chat completion", async () => {
    const res = await client().chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Hello from openai" }],
    });
    expect(res.choices[0]?.message.content).toStartWith("Mock reply to: Hello from openai");
    expect(res.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  test("streams a chat completion with a usage chunk", async () => {
    const stream = await client().chat.completions.create({
      model: "gpt-4o",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "stream please" }],
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toStartWith("Mock reply to: stream please");
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  test("gets a tool call and then an answer quoting the tool's output", async () => {
    const first = await client().chat.completions.create({
      model: "gpt-4o",
      tools,
      messages: [{ role: "user", content: "call lookup" }],
    });
    const message = first.choices[0]?.message;
    const call = message?.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    if (!message || call?.type !== "function") throw new Error("no function call");
    expect(JSON.parse(call.function.arguments)).toEqual({ q: "mock", n: 1 });
    const second = await client().chat.completions.create({
      model: "gpt-4o",
      tools,
      messages: [
        { role: "user", content: "call lookup" },
        message,
        { role: "tool", tool_call_id: call.id, content: "lookup says hello" },
      ],
    });
    expect(second.choices[0]?.message.content).toContain("lookup says hello");
  });

  test("decodes the default base64 embeddings into numbers", async () => {
    const res = await client().embeddings.create({
      model: "text-embedding-3-small",
      input: "embed me",
      dimensions: 16,
    });
    expect(res.data[0]?.embedding).toHaveLength(16);
    expect(res.usage.prompt_tokens).toBeGreaterThan(0);
  });

  test("creates and streams a Responses API answer", async () => {
    const res = await client().responses.create({ model: "gpt-5", input: "respond to me" });
    expect(res.output_text).toStartWith("Mock reply to: respond to me");
    expect(res.usage?.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    const stream = await client().responses.create({ model: "gpt-4o", input: "respond to me", stream: true });
    let text = "";
    let completed = false;
    for await (const ev of stream) {
      if (ev.type === "response.output_text.delta") text += ev.delta;
      if (ev.type === "response.completed") completed = true;
    }
    expect(text).toBe(res.output_text);
    expect(completed).toBe(true);
  });

  test("lists models", async () => {
    const ids: string[] = [];
    for await (const m of client().models.list()) ids.push(m.id);
    expect(ids).toContain("gpt-4o");
  });
});
