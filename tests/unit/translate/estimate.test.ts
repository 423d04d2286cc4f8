import { describe, expect, test } from "bun:test";
import { estimateInputTokens } from "../../../src/translate/estimate.ts";

const text = "The quick brown fox jumps over the lazy dog. ".repeat(100); // 4500 characters

describe("estimateInputTokens", () => {
  test("counts text on the high side of the usual four characters per token", () => {
    const n = estimateInputTokens({ model: "m", messages: [{ role: "user", content: text }] });
    expect(n).toBeGreaterThanOrEqual(4500 / 4);
    expect(n).toBeLessThan(4500 / 2);
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
    expect(full - base).toBeGreaterThan((4 * 4500) / 4 + 1600);
    expect(full - base).toBeLessThan((4 * 4500) / 2 + 1700);
  });
});
