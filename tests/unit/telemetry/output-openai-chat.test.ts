// The output assembler reads OpenAI Chat Completions answers: content, reasoning and tool calls
// whose arguments arrive in fragments, streamed or whole; [DONE] and usage chunks are ignored.
import { describe, expect, test } from "bun:test";
import type { SseEvent } from "../../../src/sse/types.ts";
import { createOutputAssembler } from "../../../src/telemetry/output.ts";

const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}): SseEvent => ({
  data: JSON.stringify({
    id: "c1",
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta }],
    ...extra,
  }),
});

describe("OpenAI Chat Completions output", () => {
  test("a stream assembles content and reasoning", () => {
    const a = createOutputAssembler(10_000);
    a.event(chunk({ role: "assistant", content: "" }));
    a.event(chunk({ reasoning_content: "Hmm, " }));
    a.event(chunk({ reasoning_content: "easy." }));
    a.event(chunk({ content: "Hello" }));
    a.event(chunk({ content: " world" }));
    a.event({ data: JSON.stringify({ id: "c1", choices: [], usage: { prompt_tokens: 3 } }) });
    a.event({ data: "[DONE]" });
    expect(a.result()).toEqual({ role: "assistant", content: "Hello world", thinking: "Hmm, easy." });
  });

  test("tool call fragments are joined per index, named by their first fragment", () => {
    const a = createOutputAssembler(10_000);
    a.event(
      chunk({
        role: "assistant",
        content: null,
        tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "read", arguments: "" } }],
      }),
    );
    a.event(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"path"' } }] }));
    a.event(chunk({ tool_calls: [{ index: 1, id: "call_2", function: { name: "ls", arguments: "{}" } }] }));
    a.event(chunk({ tool_calls: [{ index: 0, function: { arguments: ':"a.txt"}' } }] }));
    expect(a.result()).toEqual({
      role: "assistant",
      content: "",
      tool_calls: [
        { id: "call_1", type: "function", function: { name: "read", arguments: '{"path":"a.txt"}' } },
        { id: "call_2", type: "function", function: { name: "ls", arguments: "{}" } },
      ],
    });
  });

  test("a whole completion reads its first choice's message", () => {
    const a = createOutputAssembler(10_000);
    a.json({
      object: "chat.completion",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "Done.",
            tool_calls: [
              { id: "call_9", type: "function", function: { name: "save", arguments: '{"x":1}' } },
            ],
          },
        },
        { index: 1, message: { role: "assistant", content: "other choice" } },
      ],
    });
    expect(a.result()).toEqual({
      role: "assistant",
      content: "Done.",
      tool_calls: [{ id: "call_9", type: "function", function: { name: "save", arguments: '{"x":1}' } }],
    });
  });

  test("an error body is kept as the output", () => {
    const a = createOutputAssembler(10_000);
    a.json({ error: { message: "Rate limit reached", type: "requests" } });
    expect(a.result()).toEqual({ error: { message: "Rate limit reached", type: "requests" } });
  });

  test("an embeddings answer has no output", () => {
    const a = createOutputAssembler(10_000);
    a.json({ object: "list", data: [{ object: "embedding", embedding: [0.1, 0.2] }] });
    expect(a.result()).toBeUndefined();
  });
});
