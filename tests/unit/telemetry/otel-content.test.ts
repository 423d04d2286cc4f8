// Captured content in the shape of the GenAI conventions' message schemas, from each API's
// request body and from the assembled answer: text, reasoning, tool calls and results, media
// left out with its size noted, and a byte budget that drops the oldest messages first.
import { describe, expect, test } from "bun:test";
import { fitMessages, inputContent, outputMessages } from "../../../src/telemetry/otel-content.ts";

describe("inputContent", () => {
  test("Anthropic: the system prompt apart; text, thinking, tool use and results, images", () => {
    const c = inputContent({
      model: "m",
      max_tokens: 10,
      system: [{ type: "text", text: "Be brief." }],
      messages: [
        { role: "user", content: "What is the weather?" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "look it up", signature: "sig" },
            { type: "redacted_thinking", data: "xx" },
            { type: "tool_use", id: "tu_1", name: "weather", input: { city: "Paris" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "tu_1", content: [{ type: "text", text: "rainy" }] },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
            { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
          ],
        },
      ],
    });
    expect(c).toEqual({
      system: [{ type: "text", content: "Be brief." }],
      messages: [
        { role: "user", parts: [{ type: "text", content: "What is the weather?" }] },
        {
          role: "assistant",
          parts: [
            { type: "reasoning", content: "look it up" },
            { type: "tool_call", id: "tu_1", name: "weather", arguments: { city: "Paris" } },
          ],
        },
        {
          role: "user",
          parts: [
            { type: "tool_call_response", id: "tu_1", response: "rainy" },
            {
              type: "blob",
              modality: "image",
              mime_type: "image/png",
              content: "[sluice: 4 characters of base64 left out]",
            },
            { type: "uri", modality: "image", uri: "https://example.com/a.png" },
          ],
        },
      ],
    });
  });

  test("OpenAI Chat: system in the history, tool calls with parsed arguments, tool messages", () => {
    const c = inputContent({
      model: "gpt-4.1",
      messages: [
        { role: "system", content: "You help." },
        {
          role: "user",
          content: [
            { type: "text", text: "hi" },
            { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/" } },
          ],
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
        },
        { role: "tool", tool_call_id: "c1", content: "done" },
      ],
    });
    expect(c).toEqual({
      messages: [
        { role: "system", parts: [{ type: "text", content: "You help." }] },
        {
          role: "user",
          parts: [
            { type: "text", content: "hi" },
            {
              type: "blob",
              modality: "image",
              mime_type: "image/jpeg",
              content: "[sluice: 27 characters of base64 left out]",
            },
          ],
        },
        { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "f", arguments: { a: 1 } }] },
        { role: "tool", parts: [{ type: "tool_call_response", id: "c1", response: "done" }] },
      ],
    });
  });

  test("OpenAI Responses: instructions apart; a string input or items", () => {
    expect(inputContent({ model: "gpt-5", instructions: "Be kind.", input: "hello" })).toEqual({
      system: [{ type: "text", content: "Be kind." }],
      messages: [{ role: "user", parts: [{ type: "text", content: "hello" }] }],
    });
    expect(
      inputContent({
        model: "gpt-5",
        input: [
          { role: "user", content: [{ type: "input_text", text: "q" }] },
          { type: "function_call", call_id: "c9", name: "g", arguments: "not json" },
          { type: "function_call_output", call_id: "c9", output: "42" },
        ],
      })?.messages,
    ).toEqual([
      { role: "user", parts: [{ type: "text", content: "q" }] },
      { role: "assistant", parts: [{ type: "tool_call", id: "c9", name: "g", arguments: "not json" }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: "c9", response: "42" }] },
    ]);
  });

  test("Gemini: systemInstruction apart, model turns as assistant, function calls and inline data", () => {
    expect(
      inputContent({
        systemInstruction: { parts: [{ text: "Short answers." }] },
        contents: [
          { role: "user", parts: [{ text: "hi" }, { inlineData: { mimeType: "audio/wav", data: "UklGR" } }] },
          {
            role: "model",
            parts: [{ text: "hmm", thought: true }, { functionCall: { name: "f", args: { x: 1 } } }],
          },
          { role: "user", parts: [{ functionResponse: { name: "f", response: { ok: true } } }] },
        ],
      }),
    ).toEqual({
      system: [{ type: "text", content: "Short answers." }],
      messages: [
        {
          role: "user",
          parts: [
            { type: "text", content: "hi" },
            {
              type: "blob",
              modality: "audio",
              mime_type: "audio/wav",
              content: "[sluice: 5 characters of base64 left out]",
            },
          ],
        },
        {
          role: "assistant",
          parts: [
            { type: "reasoning", content: "hmm" },
            { type: "tool_call", id: undefined, name: "f", arguments: { x: 1 } },
          ],
        },
        { role: "user", parts: [{ type: "tool_call_response", id: "f", response: { ok: true } }] },
      ],
    });
  });

  test("not a conversation: undefined", () => {
    expect(inputContent({ model: "text-embedding-3-small", input: undefined })).toBeUndefined();
    expect(inputContent("text")).toBeUndefined();
    expect(inputContent(undefined)).toBeUndefined();
  });
});

describe("outputMessages", () => {
  test("reasoning, text and tool calls as one assistant message with its finish reason", () => {
    expect(
      outputMessages(
        {
          role: "assistant",
          content: "Sunny.",
          thinking: "check",
          tool_calls: [{ id: "t1", type: "function", function: { name: "w", arguments: '{"c":"P"}' } }],
        },
        "tool_use",
      ),
    ).toEqual([
      {
        role: "assistant",
        parts: [
          { type: "reasoning", content: "check" },
          { type: "text", content: "Sunny." },
          { type: "tool_call", id: "t1", name: "w", arguments: { c: "P" } },
        ],
        finish_reason: "tool_use",
      },
    ]);
  });

  test("an error answer or none: no output messages", () => {
    expect(outputMessages({ error: { type: "overloaded_error" } }, "error")).toEqual([]);
    expect(outputMessages(undefined, "stop")).toEqual([]);
  });
});

describe("fitMessages", () => {
  const msg = (n: number) => ({
    role: "user",
    parts: [{ type: "text", content: `message ${n} `.repeat(10) }],
  });

  test("within the budget: all messages, not cut", () => {
    const all = [msg(1), msg(2)];
    expect(fitMessages(all, 10_000)).toEqual({ json: JSON.stringify(all), cut: false });
  });

  test("over the budget: the oldest go first, the result is valid JSON within the budget", () => {
    const all = [msg(1), msg(2), msg(3), msg(4)];
    const one = JSON.stringify(msg(4)).length;
    const fit = fitMessages(all, 2 * one + 10);
    expect(fit.cut).toBe(true);
    expect(JSON.parse(fit.json)).toEqual([msg(3), msg(4)]);
    expect(Buffer.byteLength(fit.json)).toBeLessThanOrEqual(2 * one + 10);
  });

  test("a last message alone over the budget is cut, with a note, still valid JSON", () => {
    const big = { role: "user", parts: [{ type: "text", content: "é".repeat(5000) }] };
    const fit = fitMessages([msg(1), big], 1000);
    expect(fit.cut).toBe(true);
    const parsed = JSON.parse(fit.json);
    expect(parsed).toHaveLength(1);
    expect(parsed[0].parts[0].content).toContain("[sluice: cut,");
    expect(Buffer.byteLength(fit.json)).toBeLessThanOrEqual(1000);
  });

  test("text that JSON escaping doubles still fits, and a finish reason is kept", () => {
    const quoted = {
      role: "assistant",
      parts: [{ type: "text", content: '"\n'.repeat(3000) }],
      finish_reason: "stop",
    };
    const fit = fitMessages([quoted], 2000);
    expect(Buffer.byteLength(fit.json)).toBeLessThanOrEqual(2000);
    expect(JSON.parse(fit.json)[0]).toMatchObject({ role: "assistant", finish_reason: "stop" });
  });
});
