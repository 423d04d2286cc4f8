import { describe, expect, test } from "bun:test";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { estimateInputTokens } from "../../../src/translate/estimate.ts";

const text = "The quick brown fox jumps over the lazy dog. ".repeat(100);
const code = "export function add(a: number, b: number): number {\n  return a + b;\n}\n".repeat(50);

describe("estimateInputTokens", () => {
  test("counts text with a real tokenizer, not characters / 4", () => {
    const n = estimateInputTokens({ model: "m", messages: [{ role: "user", content: text }] });
    expect(n).toBe(countTokens(text) + 4);
    // Repetitive English packs far more than four characters into a token.
    expect(n).toBeLessThan(text.length / 4);
    const c = estimateInputTokens({ model: "m", messages: [{ role: "user", content: code }] });
    expect(c).toBe(countTokens(code) + 4);
  });

  test("adds the system prompt, tools, tool inputs and results, and a fixed amount per image", () => {
    const base = estimateInputTokens({ model: "m", messages: [{ role: "user", content: "hi" }] });
    const full = estimateInputTokens({
      model: "m",
      system: [{ type: "text", text, cache_control: { type: "ephemeral" } }],
      tools: [{ name: "Read", description: text, input_schema: { type: "object" } }],
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: [{ type: "tool_use", id: "t", name: "Read", input: { path: text } }] },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "t", content: text },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "x".repeat(100000) } },
          ],
        },
      ],
    });
    const textTokens = countTokens(text);
    // four copies of the text, one image, two more messages; base64 image data is not text
    expect(full - base).toBeGreaterThan(4 * textTokens + 1600);
    expect(full - base).toBeLessThan(4 * textTokens + 1600 + 100);
  });
});
