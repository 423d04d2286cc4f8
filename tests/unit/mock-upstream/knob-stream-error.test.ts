import { describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { postJson, sseEvents, sseJson, useMock } from "./helpers.ts";

const mock = useMock();

describe("x-mock-stream-error", () => {
  test("sends an Anthropic overloaded_error event inside a 200 stream after N events, then ends", async () => {
    const res = await postJson(
      `${mock.current.url}/v1/messages`,
      { model: "claude-x", max_tokens: 8, stream: true, messages: [{ role: "user", content: "hi" }] },
      { "x-mock-stream-error": "2" },
    );
    expect(res.status).toBe(200);
    const events = sseEvents(await res.text());
    expect(events.map((e) => e.event)).toEqual(["message_start", "content_block_start", "error"]);
    expect(JSON.parse(events[2]?.data ?? "{}")).toEqual({
      type: "error",
      error: { type: "overloaded_error", message: "Overloaded" },
    });
  });

  test("makes the Anthropic SDK throw the overload mid-stream", async () => {
    const client = new Anthropic({
      baseURL: mock.current.url,
      apiKey: "x",
      maxRetries: 0,
      defaultHeaders: { "x-mock-stream-error": "3" },
    });
    const stream = client.messages.stream({
      model: "claude-sonnet-5-5",
      max_tokens: 8,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(await stream.finalMessage().catch((e: unknown) => e)).toBeInstanceOf(Anthropic.APIError);
  });

  test("sends OpenAI's data: {error} chunk, which the openai SDK raises", async () => {
    const client = new OpenAI({
      baseURL: `${mock.current.url}/v1`,
      apiKey: "x",
      maxRetries: 0,
      defaultHeaders: { "x-mock-stream-error": "1" },
    });
    const run = async () => {
      const stream = await client.chat.completions.create({
        model: "gpt-4o",
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      });
      for await (const _ of stream) {
        // drain
      }
    };
    expect(await run().catch((e: unknown) => e)).toBeInstanceOf(OpenAI.APIError);
  });

  test("sends a Gemini error object as the last SSE event", async () => {
    const res = await postJson(
      `${mock.current.url}/v1beta/models/g:streamGenerateContent?alt=sse`,
      { contents: [{ parts: [{ text: "hi" }] }] },
      { "x-mock-stream-error": "1" },
    );
    const events = sseJson(await res.text());
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ error: { code: 503, status: "UNAVAILABLE" } });
  });
});
