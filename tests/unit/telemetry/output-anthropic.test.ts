// The output assembler reads Anthropic Messages answers: text, thinking and tool calls, from
// a stream of events or from one message body, and both give the same result.
import { describe, expect, test } from "bun:test";
import type { SseEvent } from "../../../src/sse/types.ts";
import { type AssembledOutput, createOutputAssembler } from "../../../src/telemetry/output.ts";

const ev = (data: Record<string, unknown>): SseEvent => ({
  event: String(data.type),
  data: JSON.stringify(data),
});

const streamed: SseEvent[] = [
  ev({ type: "message_start", message: { id: "msg_1", content: [], usage: { input_tokens: 5 } } }),
  ev({ type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } }),
  ev({ type: "ping" }),
  ev({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Let me " } }),
  ev({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "think." } }),
  ev({ type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "c2ln" } }),
  ev({ type: "content_block_stop", index: 0 }),
  ev({ type: "content_block_start", index: 1, content_block: { type: "text", text: "" } }),
  ev({ type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Checking " } }),
  ev({ type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "the weather." } }),
  ev({ type: "content_block_stop", index: 1 }),
  ev({
    type: "content_block_start",
    index: 2,
    content_block: { type: "tool_use", id: "toolu_1", name: "get_weather", input: {} },
  }),
  ev({
    type: "content_block_delta",
    index: 2,
    delta: { type: "input_json_delta", partial_json: '{"city":' },
  }),
  ev({
    type: "content_block_delta",
    index: 2,
    delta: { type: "input_json_delta", partial_json: '"Paris"}' },
  }),
  ev({ type: "content_block_stop", index: 2 }),
  ev({ type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 30 } }),
  ev({ type: "message_stop" }),
];

const expected: AssembledOutput = {
  role: "assistant",
  content: "Checking the weather.",
  thinking: "Let me think.",
  tool_calls: [
    { id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
  ],
};

describe("Anthropic output", () => {
  test("a stream assembles text, thinking and tool calls with their streamed arguments", () => {
    const a = createOutputAssembler(10_000);
    for (const e of streamed) a.event(e);
    expect(a.result()).toEqual(expected);
  });

  test("a whole message gives the same output as its stream", () => {
    const a = createOutputAssembler(10_000);
    a.json({
      id: "msg_1",
      type: "message",
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Let me think.", signature: "c2ln" },
        { type: "text", text: "Checking the weather." },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
      ],
      stop_reason: "tool_use",
    });
    expect(a.result()).toEqual(expected);
  });

  test("a tool call without argument deltas keeps the input it started with", () => {
    const a = createOutputAssembler(10_000);
    a.event(
      ev({
        type: "content_block_start",
        index: 0,
        content_block: { type: "tool_use", id: "t", name: "ls", input: {} },
      }),
    );
    a.event(ev({ type: "content_block_stop", index: 0 }));
    expect(a.result()).toEqual({
      role: "assistant",
      content: "",
      tool_calls: [{ id: "t", type: "function", function: { name: "ls", arguments: "{}" } }],
    });
  });

  test("an error event becomes the output when nothing else was said", () => {
    const a = createOutputAssembler(10_000);
    a.event({
      event: "error",
      data: JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
    });
    expect(a.result()).toEqual({ error: { type: "overloaded_error", message: "Overloaded" } });
  });

  test("an error body is kept as the output", () => {
    const a = createOutputAssembler(10_000);
    a.json({ type: "error", error: { type: "invalid_request_error", message: "max_tokens: required" } });
    expect(a.result()).toEqual({ error: { type: "invalid_request_error", message: "max_tokens: required" } });
  });
});
