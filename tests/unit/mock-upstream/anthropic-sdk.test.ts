import { describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { useMock } from "./helpers.ts";

const mock = useMock();
const client = () => new Anthropic({ baseURL: mock.current.url, apiKey: "x", maxRetries: 0 });
const weather = {
  name: "get_weather",
  description: "weather for a city",
  input_schema: {
    type: "object" as const,
    properties: { city: { type: "string" }, days: { type: "integer" } },
    required: ["city", "days"],
  },
};

describe("the Anthropic SDK against the mock", () => {
  test("creates a message", async () => {
    const msg = await client().messages.create({
      model: "claude-sonnet-5-5",
      max_tokens: 64,
      messages: [{ role: "user", content: "Hello from the SDK" }],
    });
    expect(msg.content[0]?.type).toBe("text");
    expect(msg.content[0]?.type === "text" && msg.content[0].text).toStartWith(
      "Mock reply to: Hello from the SDK",
    );
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
  });

  test("streams a message whose final snapshot matches the non-streamed one", async () => {
    const params = {
      model: "claude-sonnet-5-5",
      max_tokens: 64,
      messages: [{ role: "user" as const, content: "stream me" }],
    };
    const deltas: string[] = [];
    const stream = client()
      .messages.stream(params)
      .on("text", (t) => deltas.push(t));
    const final = await stream.finalMessage();
    const plain = await client().messages.create(params);
    expect(deltas.length).toBe(8);
    const texts = (m: { content: { type: string; text?: string }[] }) =>
      m.content.map((b) => `${b.type}:${b.text}`);
    expect(texts(final)).toEqual(texts(plain));
    expect(final.usage.output_tokens).toBe(plain.usage.output_tokens);
    expect(final.stop_reason).toBe("end_turn");
  });

  test("runs a two-turn tool flow", async () => {
    const first = await client().messages.create({
      model: "claude-sonnet-5-5",
      max_tokens: 64,
      tools: [weather],
      tool_choice: { type: "tool", name: "get_weather" },
      messages: [{ role: "user", content: "weather in Paris?" }],
    });
    const call = first.content.find((b) => b.type === "tool_use");
    expect(first.stop_reason).toBe("tool_use");
    expect(call?.type === "tool_use" && call.input).toEqual({ city: "mock", days: 1 });
    if (call?.type !== "tool_use") throw new Error("no tool call");
    const second = await client().messages.create({
      model: "claude-sonnet-5-5",
      max_tokens: 64,
      tools: [weather],
      messages: [
        { role: "user", content: "weather in Paris?" },
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "rain, 12C" }] },
      ],
    });
    expect(second.content[0]?.type === "text" && second.content[0].text).toContain("rain, 12C");
  });

  test("streams a tool call whose input the SDK reassembles", async () => {
    const final = await client()
      .messages.stream({
        model: "claude-sonnet-5-5",
        max_tokens: 64,
        tools: [weather],
        messages: [{ role: "user", content: "call get_weather" }],
      })
      .finalMessage();
    const call = final.content.find((b) => b.type === "tool_use");
    expect(call?.type === "tool_use" && call.input).toEqual({ city: "mock", days: 1 });
  });

  test("counts tokens and lists models", async () => {
    const count = await client().messages.countTokens({
      model: "claude-sonnet-5-5",
      messages: [{ role: "user", content: "count me" }],
    });
    expect(count.input_tokens).toBeGreaterThan(0);
    const ids: string[] = [];
    for await (const m of client().models.list()) ids.push(m.id);
    expect(ids).toContain("claude-sonnet-5-5");
  });

  test("surfaces a scripted overload as the SDK's error with status 529", async () => {
    const c = new Anthropic({
      baseURL: mock.current.url,
      apiKey: "x",
      maxRetries: 0,
      defaultHeaders: { "x-mock-status": "529", "x-mock-key": "sdk-overload" },
    });
    const err = await c.messages
      .create({ model: "claude-sonnet-5-5", max_tokens: 8, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
  });
});
