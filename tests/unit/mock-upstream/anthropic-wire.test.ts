import { describe, expect, test } from "bun:test";
import { postJson, sseEvents, sseJson, useMock } from "./helpers.ts";

const mock = useMock();
const messages = (body: unknown, headers: Record<string, string> = {}) =>
  postJson(`${mock.current.url}/v1/messages?beta=true`, body, {
    "anthropic-version": "2023-06-01",
    ...headers,
  });
const weather = {
  name: "get_weather",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("Anthropic Messages on the wire", () => {
  test("answers a non-streamed request with a message quoting the user's words", async () => {
    const res = await messages({
      model: "claude-x",
      max_tokens: 64,
      messages: [{ role: "user", content: "Hello mock" }],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("request-id")).toBe(res.headers.get("x-request-id"));
    const body = await res.json();
    expect(body).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-x",
      stop_reason: "end_turn",
    });
    expect(body.content[0].type).toBe("text");
    expect(body.content[0].text.startsWith("Mock reply to: Hello mock")).toBe(true);
    expect(Object.keys(body.usage)).toEqual(
      expect.arrayContaining([
        "input_tokens",
        "output_tokens",
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
      ]),
    );
  });

  test("streams events in the real order with one text delta per x-mock-events", async () => {
    const res = await messages(
      { model: "claude-x", max_tokens: 64, stream: true, messages: [{ role: "user", content: "Hi" }] },
      { "x-mock-events": "3" },
    );
    expect(res.headers.get("content-type")).toStartWith("text/event-stream");
    const events = sseEvents(await res.text());
    expect(events.map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    for (const e of events) expect(JSON.parse(e.data).type).toBe(e.event);
    const delta = JSON.parse(events[7]?.data ?? "{}");
    expect(delta.delta.stop_reason).toBe("end_turn");
    expect(delta.usage.output_tokens).toBeGreaterThan(0);
  });

  test("gives a streamed and a non-streamed request the same text and usage", async () => {
    const request = {
      model: "claude-x",
      max_tokens: 64,
      messages: [{ role: "user", content: "same words please" }],
    };
    const plain = await (await messages(request)).json();
    const events = sseJson(await (await messages({ ...request, stream: true })).text());
    const text = events
      .filter((e) => e.type === "content_block_delta")
      .map((e) => (e.delta as { text: string }).text)
      .join("");
    expect(text).toBe(plain.content[0].text);
    const final = events.find((e) => e.type === "message_delta") as { usage: Record<string, number> };
    expect(final.usage.output_tokens).toBe(plain.usage.output_tokens);
    expect(final.usage.input_tokens).toBe(plain.usage.input_tokens);
  });

  test("emits a thinking block with thinking and signature deltas first when thinking is on", async () => {
    const res = await messages({
      model: "claude-x",
      max_tokens: 2048,
      stream: true,
      thinking: { type: "enabled", budget_tokens: 1024 },
      messages: [{ role: "user", content: "ponder this" }],
    });
    const events = sseJson(await res.text());
    const starts = events.filter((e) => e.type === "content_block_start").map((e) => e.content_block);
    expect(starts).toMatchObject([{ type: "thinking" }, { type: "text" }]);
    const deltaTypes = events
      .filter((e) => e.type === "content_block_delta" && e.index === 0)
      .map((e) => (e.delta as { type: string }).type);
    expect(deltaTypes.at(-1)).toBe("signature_delta");
    expect(deltaTypes.slice(0, -1).every((t) => t === "thinking_delta")).toBe(true);
  });

  test("calls a tool with input_json_delta fragments that join to the arguments", async () => {
    const res = await messages({
      model: "claude-x",
      max_tokens: 64,
      stream: true,
      tools: [weather],
      messages: [{ role: "user", content: "please use tool" }],
    });
    const events = sseJson(await res.text());
    const start = events.find((e) => e.type === "content_block_start") as {
      content_block: Record<string, unknown>;
    };
    expect(start.content_block).toMatchObject({ type: "tool_use", name: "get_weather", input: {} });
    const json = events
      .filter((e) => e.type === "content_block_delta")
      .map((e) => (e.delta as { partial_json: string }).partial_json)
      .join("");
    expect(JSON.parse(json)).toEqual({ city: "mock" });
    expect(events.filter((e) => e.type === "content_block_delta").length).toBeGreaterThan(1);
    expect(
      (events.find((e) => e.type === "message_delta") as { delta: { stop_reason: string } }).delta
        .stop_reason,
    ).toBe("tool_use");
  });

  test("answers a tool_result with text quoting it", async () => {
    const body = await (
      await messages({
        model: "claude-x",
        max_tokens: 64,
        tools: [weather],
        messages: [
          { role: "user", content: "use tool" },
          {
            role: "assistant",
            content: [{ type: "tool_use", id: "t1", name: "get_weather", input: { city: "mock" } }],
          },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "sunny and 21C" }] },
        ],
      })
    ).json();
    expect(body.stop_reason).toBe("end_turn");
    expect(body.content[0].text).toContain('"sunny and 21C"');
  });

  test("reports cache reads when the system prompt carries cache_control", async () => {
    const body = await (
      await messages({
        model: "claude-x",
        max_tokens: 64,
        system: [{ type: "text", text: "s".repeat(4000), cache_control: { type: "ephemeral" } }],
        messages: [{ role: "user", content: "hi" }],
      })
    ).json();
    expect(body.usage.cache_read_input_tokens).toBeGreaterThan(900);
    expect(body.usage.cache_creation_input_tokens).toBe(0);
    expect(body.usage.input_tokens).toBeLessThan(10);
  });

  test("counts tokens and lists models in Anthropic format", async () => {
    const count = await postJson(`${mock.current.url}/v1/messages/count_tokens`, {
      model: "claude-x",
      messages: [{ role: "user", content: "x".repeat(400) }],
    });
    expect((await count.json()).input_tokens).toBeGreaterThanOrEqual(100);
    const models = await fetch(`${mock.current.url}/v1/models`, {
      headers: { "anthropic-version": "2023-06-01" },
    });
    const list = await models.json();
    expect(list.has_more).toBe(false);
    expect(list.data[0]).toMatchObject({
      type: "model",
      id: expect.any(String),
      display_name: expect.any(String),
    });
  });

  test("answers bad JSON and a missing model with a 400 in Anthropic error format", async () => {
    const bad = await messages("{not json");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    const noModel = await messages({ max_tokens: 1, messages: [] });
    expect(noModel.status).toBe(400);
    expect((await noModel.json()).error.message).toContain("model");
  });
});
