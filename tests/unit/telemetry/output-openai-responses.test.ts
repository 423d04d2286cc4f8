// The output assembler reads OpenAI Responses answers: text and reasoning deltas, function
// calls from output items, and the final response object, which replaces what deltas built.
import { describe, expect, test } from "bun:test";
import type { SseEvent } from "../../../src/sse/types.ts";
import { createOutputAssembler } from "../../../src/telemetry/output.ts";

const ev = (type: string, fields: Record<string, unknown>): SseEvent => ({
  event: type,
  data: JSON.stringify({ type, ...fields }),
});

const message = {
  type: "message",
  id: "msg_1",
  role: "assistant",
  content: [{ type: "output_text", text: "Hi there" }],
};
const call = { type: "function_call", id: "fc_1", call_id: "call_1", name: "lookup", arguments: '{"q":"x"}' };
const reasoning = { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Short plan." }] };

describe("OpenAI Responses output", () => {
  test("text and reasoning deltas assemble while the stream runs", () => {
    const a = createOutputAssembler(10_000);
    a.event(ev("response.created", { response: { id: "r", output: [] } }));
    a.event(ev("response.reasoning_summary_text.delta", { delta: "Short " }));
    a.event(ev("response.reasoning_summary_text.delta", { delta: "plan." }));
    a.event(ev("response.output_text.delta", { delta: "Hi " }));
    a.event(ev("response.output_text.delta", { delta: "there" }));
    expect(a.result()).toEqual({ role: "assistant", content: "Hi there", thinking: "Short plan." });
  });

  test("function call arguments stream under their item id", () => {
    const a = createOutputAssembler(10_000);
    a.event(ev("response.output_item.added", { output_index: 0, item: { ...call, arguments: "" } }));
    a.event(ev("response.function_call_arguments.delta", { item_id: "fc_1", delta: '{"q":' }));
    a.event(ev("response.function_call_arguments.delta", { item_id: "fc_1", delta: '"x"}' }));
    expect(a.result()).toEqual({
      role: "assistant",
      content: "",
      tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }],
    });
  });

  test("response.completed replaces the deltas with the full output", () => {
    const a = createOutputAssembler(10_000);
    a.event(ev("response.output_text.delta", { delta: "Hi " }));
    a.event(ev("response.completed", { response: { id: "r", output: [reasoning, message, call] } }));
    expect(a.result()).toEqual({
      role: "assistant",
      content: "Hi there",
      thinking: "Short plan.",
      tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }],
    });
  });

  test("a whole response object gives the same output", () => {
    const a = createOutputAssembler(10_000);
    a.json({ id: "r", object: "response", status: "completed", output: [reasoning, message, call] });
    expect(a.result()).toEqual({
      role: "assistant",
      content: "Hi there",
      thinking: "Short plan.",
      tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }],
    });
  });
});
