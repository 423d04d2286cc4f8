import { describe, expect, test } from "bun:test";
import { costOf, createPricing, DEFAULT_PRICES, normalizeModel } from "../../../src/metrics/pricing.ts";
import type { Usage } from "../../../src/metrics/usage.ts";

const usage = (u: Partial<Usage>): Usage => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheWriteTokens: 0,
  cacheReadTokens: 0,
  reasoningTokens: 0,
  ...u,
});

describe("pricing lookup", () => {
  const pricing = createPricing();

  test("a date suffix is ignored", () => {
    expect(pricing.lookup("claude-sonnet-4-5-20250929")).toEqual(DEFAULT_PRICES["claude-sonnet-4-5"]!);
    expect(pricing.lookup("gpt-4.1-mini-2025-04-14")).toEqual(DEFAULT_PRICES["gpt-4.1-mini"]!);
  });

  test("provider prefixes, Vertex and Bedrock spellings and case are ignored", () => {
    const sonnet = DEFAULT_PRICES["claude-sonnet-4-5"]!;
    expect(pricing.lookup("anthropic/claude-sonnet-4.5")).toEqual(sonnet);
    expect(pricing.lookup("claude-sonnet-4-5@20250929")).toEqual(sonnet);
    expect(pricing.lookup("us.anthropic.claude-sonnet-4-5-20250929-v1:0")).toEqual(sonnet);
    expect(pricing.lookup("Claude-Sonnet-4-5")).toEqual(sonnet);
    expect(pricing.lookup("claude-opus-4-6[1m]")).toEqual(DEFAULT_PRICES["claude-opus-4-6"]!);
    expect(pricing.lookup("models/gemini-2.5-flash")).toEqual(DEFAULT_PRICES["gemini-2.5-flash"]!);
  });

  test("the longest matching prefix wins", () => {
    expect(pricing.lookup("gpt-4o-mini")).toEqual(DEFAULT_PRICES["gpt-4o-mini"]!);
    expect(pricing.lookup("gpt-4o")).toEqual(DEFAULT_PRICES["gpt-4o"]!);
    expect(pricing.lookup("gemini-2.5-flash-lite-preview-09-2025")).toEqual(
      DEFAULT_PRICES["gemini-2.5-flash-lite"]!,
    );
    expect(pricing.lookup("gemini-3-pro-preview")).toEqual(DEFAULT_PRICES["gemini-3-pro"]!);
    expect(pricing.lookup("claude-3-5-haiku-latest")).toEqual(DEFAULT_PRICES["claude-3-5-haiku"]!);
    expect(pricing.lookup("gpt-5-codex")).toEqual(DEFAULT_PRICES["gpt-5"]!);
    expect(pricing.lookup("meta-llama/Llama-3.3-70B-Instruct-Turbo")).toEqual(
      DEFAULT_PRICES["llama-3.3-70b"]!,
    );
  });

  test("a prefix stops at a separator, so a new version is unpriced rather than mispriced", () => {
    expect(pricing.lookup("gpt-5.3")).toBeUndefined();
    expect(pricing.lookup("kimi-k2.9")).toBeUndefined();
    expect(pricing.lookup("o3x")).toBeUndefined();
  });

  test("unknown models, empty and absurdly long ids have no price", () => {
    expect(pricing.lookup("my-finetune")).toBeUndefined();
    expect(pricing.lookup("")).toBeUndefined();
    expect(pricing.lookup(`gpt-4o-${"x".repeat(300)}`)).toBeUndefined();
    expect(pricing.costFor("my-finetune", usage({ inputTokens: 5 }))).toBeUndefined();
    expect(pricing.costFor(undefined, usage({ inputTokens: 5 }))).toBeUndefined();
  });

  test("normalizeModel keeps the meaningful part", () => {
    expect(normalizeModel("claude-sonnet-4-5-20250929")).toBe("claude-sonnet-4-5");
    expect(normalizeModel("openai/GPT-4o-2024-08-06")).toBe("gpt-4o");
    expect(normalizeModel("claude-haiku-4.5")).toBe("claude-haiku-4-5");
  });
});

describe("pricing overrides", () => {
  test("a partial override changes only the given fields, whatever spelling its key uses", () => {
    const p = createPricing({ "claude-sonnet-4-5-20250929": { cacheRead: 0.25 } });
    expect(p.lookup("claude-sonnet-4-5")).toEqual({
      input: 3,
      output: 15,
      cacheWrite: 3.75,
      cacheWrite1h: 6,
      cacheRead: 0.25,
    });
  });

  test("a new model's missing cache prices default to its input price", () => {
    const p = createPricing({ "my-finetune": { input: 2, output: 6 } });
    expect(p.lookup("my-finetune-v2")).toEqual({
      input: 2,
      output: 6,
      cacheWrite: 2,
      cacheWrite1h: 2,
      cacheRead: 2,
    });
  });

  test("a glob override prices a whole family, and a more specific key still wins", () => {
    const p = createPricing({ "acme/*": { input: 1, output: 1 }, "qwen2.5-coder*": { input: 0, output: 0 } });
    expect(p.lookup("acme/anything-7b")).toEqual({
      input: 1,
      output: 1,
      cacheWrite: 1,
      cacheWrite1h: 1,
      cacheRead: 1,
    });
    expect(p.lookup("qwen2.5-coder:7b")).toEqual({
      input: 0,
      output: 0,
      cacheWrite: 0,
      cacheWrite1h: 0,
      cacheRead: 0,
    });
    expect(p.lookup("gpt-4o")).toEqual(DEFAULT_PRICES["gpt-4o"]!);
  });

  test("overrides never change the built-in table", () => {
    createPricing({ "gpt-4o": { input: 99 } });
    expect(DEFAULT_PRICES["gpt-4o"]!.input).toBe(2.5);
    expect(createPricing().lookup("gpt-4o")!.input).toBe(2.5);
  });
});

describe("costOf", () => {
  test("prices each kind of token at its own rate, per million", () => {
    const price = { input: 3, output: 15, cacheWrite: 3.75, cacheWrite1h: 6, cacheRead: 0.3 };
    const cost = costOf(
      price,
      usage({ inputTokens: 12, outputTokens: 187, cacheWriteTokens: 2048, cacheReadTokens: 8192 }),
    );
    // 12*3 + 187*15 + 2048*3.75 + 8192*0.3 = 36 + 2805 + 7680 + 2457.6 = 12978.6 micro-dollars
    expect(cost).toBeCloseTo(0.0129786, 10);
  });

  test("reasoning tokens are not charged twice", () => {
    const price = { input: 1, output: 10, cacheWrite: 1, cacheWrite1h: 1, cacheRead: 0.1 };
    expect(costOf(price, usage({ outputTokens: 1000, reasoningTokens: 800 }))).toBeCloseTo(0.01, 12);
  });

  test("costFor looks the model up and prices it", () => {
    const p = createPricing();
    expect(
      p.costFor(
        "gpt-4o-mini-2024-07-18",
        usage({ inputTokens: 86, outputTokens: 42, cacheReadTokens: 1920 }),
      ),
    ).toBeCloseTo((86 * 0.15 + 42 * 0.6 + 1920 * 0.075) / 1e6, 12);
  });
});
