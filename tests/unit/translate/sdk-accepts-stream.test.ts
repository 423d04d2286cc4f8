// The real Anthropic SDK, pointed at a fake server on 127.0.0.1 that serves translated
// events, assembles the message we meant: the event stream is one it understands.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import type { MessagesStreamEvent } from "../../../src/translate/anthropic-types.ts";
import type { ChatChunk } from "../../../src/translate/openai-types.ts";
import { fromChatResponse } from "../../../src/translate/response.ts";
import { ChatToMessagesStream } from "../../../src/translate/streaming.ts";

const chunks: ChatChunk[] = [
  { choices: [{ index: 0, delta: { role: "assistant", reasoning_content: "Two lookups." } }] },
  { choices: [{ index: 0, delta: { content: "Checking." } }] },
  {
    choices: [
      {
        index: 0,
        delta: {
          tool_calls: [
            {
              index: 0,
              id: "call_a",
              type: "function",
              function: { name: "get_weather", arguments: '{"ci' },
            },
            { index: 1, id: "call_b", type: "function", function: { name: "get_time", arguments: "" } },
          ],
        },
      },
    ],
  },
  { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: 'ty":"Oslo"}' } }] } }] },
  { choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] },
  {
    choices: [],
    usage: { prompt_tokens: 120, completion_tokens: 30, prompt_tokens_details: { cached_tokens: 100 } },
  },
];

function sse(events: MessagesStreamEvent[]): string {
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}

let server: ReturnType<typeof Bun.serve>;
let client: Anthropic;

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const body = (await req.json()) as { stream?: boolean };
      if (body.stream !== true) {
        const message = fromChatResponse(
          {
            choices: [
              {
                index: 0,
                finish_reason: "tool_calls",
                message: {
                  content: "Checking.",
                  tool_calls: [
                    {
                      id: "call_a",
                      type: "function",
                      function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
                    },
                  ],
                },
              },
            ],
            usage: { prompt_tokens: 10, completion_tokens: 5 },
          },
          { requestModel: "claude-sonnet-5" },
        );
        return Response.json(message);
      }
      const stream = new ChatToMessagesStream({ model: "claude-sonnet-5", id: "msg_sdk" });
      const events = [...chunks.flatMap((c) => stream.push(c)), ...stream.finish()];
      return new Response(sse(events), { headers: { "content-type": "text/event-stream" } });
    },
  });
  client = new Anthropic({ apiKey: "test-key", baseURL: `http://127.0.0.1:${server.port}`, maxRetries: 0 });
});

afterAll(() => {
  server.stop(true);
});

const params = {
  model: "claude-sonnet-5",
  max_tokens: 100,
  messages: [{ role: "user" as const, content: "hi" }],
};

describe("the Anthropic SDK reading translated output", () => {
  test("assembles a streamed message with thinking, text and two tool calls", async () => {
    const message = await client.messages.stream(params).finalMessage();
    expect(message.id).toBe("msg_sdk");
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content.map((b) => b.type)).toEqual(["thinking", "text", "tool_use", "tool_use"]);
    const tools = message.content.filter((b) => b.type === "tool_use");
    expect(tools.map((t) => [t.id, t.name, t.input])).toEqual([
      ["call_a", "get_weather", { city: "Oslo" }],
      ["call_b", "get_time", {}],
    ]);
    expect(message.usage.input_tokens).toBe(20);
    expect(message.usage.cache_read_input_tokens).toBe(100);
    expect(message.usage.output_tokens).toBe(30);
  });

  test("parses a non-streamed translated response", async () => {
    const message = await client.messages.create(params);
    expect(message.content).toEqual([
      { type: "text", text: "Checking." },
      { type: "tool_use", id: "call_a", name: "get_weather", input: { city: "Oslo" } },
    ] as never);
    expect(message.stop_reason).toBe("tool_use");
  });
});
