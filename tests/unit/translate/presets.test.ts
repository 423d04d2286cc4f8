import { describe, expect, test } from "bun:test";
import { chatCompletionsUrl, presets } from "../../../src/translate/presets.ts";

// The preset names the user-facing contract promises.
const NAMED = [
  "openai",
  "openrouter",
  "groq",
  "together",
  "deepseek",
  "fireworks",
  "xai",
  "ollama",
  "lmstudio",
  "vllm",
  "anthropic",
];

describe("provider presets", () => {
  test("exist for every name in the contract, and no others", () => {
    expect(Object.keys(presets).sort()).toEqual([...NAMED].sort());
  });

  test("give every provider a format and an http(s) base URL without a trailing slash", () => {
    for (const [name, preset] of Object.entries(presets)) {
      expect(["openai", "anthropic"]).toContain(preset.format);
      expect(preset.baseUrl, name).toMatch(/^https?:\/\/[^/]+(\/.*[^/])?$/);
    }
    expect(presets.anthropic?.format).toBe("anthropic");
  });

  test("list accepted reasoning efforts weakest first", () => {
    const order = ["none", "minimal", "low", "medium", "high", "xhigh", "max"];
    for (const preset of Object.values(presets)) {
      const ranks = (preset.efforts ?? []).map((e) => order.indexOf(e));
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      expect(ranks).not.toContain(-1);
    }
  });
});

describe("chatCompletionsUrl", () => {
  test("appends /chat/completions once, whatever trailing slashes the base has", () => {
    expect(chatCompletionsUrl("http://127.0.0.1:11434/v1")).toBe(
      "http://127.0.0.1:11434/v1/chat/completions",
    );
    expect(chatCompletionsUrl("https://api.deepseek.com//")).toBe(
      "https://api.deepseek.com/chat/completions",
    );
  });
});
