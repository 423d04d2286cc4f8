// The output assembler reads Gemini answers: text, thought parts and function calls, from SSE
// chunks, one generateContent body, or the JSON array streamGenerateContent sends without alt=sse.
import { describe, expect, test } from "bun:test";
import { createOutputAssembler } from "../../../src/telemetry/output.ts";

const chunk = (parts: unknown[]) => ({
  candidates: [{ content: { role: "model", parts }, index: 0 }],
  usageMetadata: { promptTokenCount: 3 },
});

describe("Gemini output", () => {
  test("SSE chunks assemble thoughts, text and whole function calls", () => {
    const a = createOutputAssembler(10_000);
    a.event({ data: JSON.stringify(chunk([{ text: "Thinking it over.", thought: true }])) });
    a.event({ data: JSON.stringify(chunk([{ text: "It is " }])) });
    a.event({ data: JSON.stringify(chunk([{ text: "sunny." }])) });
    a.event({ data: JSON.stringify(chunk([{ functionCall: { name: "notify", args: { who: "me" } } }])) });
    expect(a.result()).toEqual({
      role: "assistant",
      content: "It is sunny.",
      thinking: "Thinking it over.",
      tool_calls: [{ type: "function", function: { name: "notify", arguments: '{"who":"me"}' } }],
    });
  });

  test("one generateContent body and a JSON array of chunks read the same", () => {
    const whole = createOutputAssembler(10_000);
    whole.json(chunk([{ text: "It is sunny." }]));
    const array = createOutputAssembler(10_000);
    array.json([chunk([{ text: "It is " }]), chunk([{ text: "sunny." }])]);
    expect(whole.result()).toEqual({ role: "assistant", content: "It is sunny." });
    expect(array.result()).toEqual(whole.result()!);
  });

  test("an error body is kept as the output", () => {
    const a = createOutputAssembler(10_000);
    a.json({ error: { code: 429, message: "Resource exhausted", status: "RESOURCE_EXHAUSTED" } });
    expect(a.result()).toEqual({
      error: { code: 429, message: "Resource exhausted", status: "RESOURCE_EXHAUSTED" },
    });
  });
});
