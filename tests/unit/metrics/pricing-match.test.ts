// How a model id finds its price: the spellings normalizeModel folds together, the separators
// a prefix may stop at, and glob keys in [pricing] (`my-org/*`), the most specific entry
// winning. Written from the survivors of `make mutate MODULE=pricing`; prices are literals.
import { describe, expect, test } from "bun:test";
import { createPricing, normalizeModel } from "../../../src/metrics/pricing.ts";

describe("normalizeModel", () => {
  test("trims and lower-cases", () => {
    expect(normalizeModel("  GPT-4o-Mini  ")).toBe("gpt-4o-mini");
  });

  test("drops a Bedrock regional prefix and a version suffix of any width", () => {
    expect(normalizeModel("eu.anthropic.claude-haiku-4-5-20251001-v1:0")).toBe("claude-haiku-4-5");
    expect(normalizeModel("anthropic.claude-haiku-4-5-v12:34")).toBe("claude-haiku-4-5");
    expect(normalizeModel("xanthropic.model")).toBe("xanthropic.model");
    expect(normalizeModel("claude-haiku-4-5-v1:0-preview")).toBe("claude-haiku-4-5-v1:0-preview");
  });

  test("drops a date only at the end", () => {
    expect(normalizeModel("gpt-4o-2024-08-06")).toBe("gpt-4o");
    expect(normalizeModel("tune-20250101-v2")).toBe("tune-20250101-v2");
    expect(normalizeModel("claude-sonnet-4-5-20250929x")).toBe("claude-sonnet-4-5-20250929x");
  });

  test("keeps a name that starts with a bracket", () => {
    expect(normalizeModel("[exp]model")).toBe("[exp]model");
  });

  test("takes the part after the last slash", () => {
    expect(normalizeModel("openrouter/anthropic/claude-sonnet-4.5")).toBe("claude-sonnet-4-5");
    expect(normalizeModel("gpt-4o")).toBe("gpt-4o");
    expect(normalizeModel("a/gpt-4o")).toBe("gpt-4o");
  });
});

describe("a built-in prefix", () => {
  const pricing = createPricing();
  test("stops at -, :, @ or _ and nowhere else", () => {
    for (const id of ["gpt-4o-search", "gpt-4o:free", "gpt-4o@edge", "gpt-4o_custom"]) {
      expect(pricing.lookup(id)).toMatchObject({ input: 2.5, output: 10 });
    }
    expect(pricing.lookup("gpt-4ox")).toBeUndefined();
  });

  test("a 256-character id is still looked up; a longer one is not", () => {
    const at = `gpt-4o-${"x".repeat(256 - 7)}`;
    expect(at.length).toBe(256);
    expect(pricing.lookup(at)).toMatchObject({ input: 2.5 });
    expect(pricing.lookup(`${at}x`)).toBeUndefined();
  });

  test("a lookup answers the same the second time (memoised)", () => {
    expect(pricing.lookup("gpt-4o-mini")).toMatchObject({ input: 0.15, output: 0.6 });
    expect(pricing.lookup("gpt-4o-mini")).toMatchObject({ input: 0.15, output: 0.6 });
    expect(pricing.lookup("no-such-model")).toBeUndefined();
    expect(pricing.lookup("no-such-model")).toBeUndefined();
  });
});

describe("glob keys in [pricing]", () => {
  const pricing = createPricing({
    " My-Org/* ": { input: 1, output: 2 },
    "qwen*": { input: 3, output: 4 },
    "qwen3-*-instruct": { input: 5, output: 6 },
    "ab*ba": { input: 7, output: 8 },
  });

  test("match the original id's prefix, whatever its case and spaces", () => {
    expect(pricing.lookup("my-org/finetune-7")).toMatchObject({ input: 1, output: 2 });
    expect(pricing.lookup("MY-ORG/Other")).toMatchObject({ input: 1, output: 2 });
    expect(pricing.lookup("  my-org/spaced ")).toMatchObject({ input: 1, output: 2 });
    expect(pricing.lookup("other-org/finetune-7")).toBeUndefined();
  });

  test("the entry with more literal characters wins", () => {
    expect(pricing.lookup("qwen3-coder-instruct")).toMatchObject({ input: 5, output: 6 });
    expect(pricing.lookup("qwen3-coder")).toMatchObject({ input: 3, output: 4 });
  });

  test("every part must appear, in order, and the last one at the end", () => {
    expect(pricing.lookup("qwen3-instruct-coder")).toMatchObject({ input: 3 });
    expect(createPricing({ "a*b*c": { input: 9 } }).lookup("a-c-b")).toBeUndefined();
    expect(createPricing({ "a*b*c": { input: 9 } }).lookup("a-b-c")).toMatchObject({ input: 9 });
  });

  test("a middle part must be there, and may not overlap the last", () => {
    const three = createPricing({ "a*bb*bc": { input: 9 } });
    expect(three.lookup("a-x-bc")).toBeUndefined();
    expect(three.lookup("abbc")).toBeUndefined();
    expect(three.lookup("abbbc")).toMatchObject({ input: 9 });
  });

  test("first and last parts may not overlap, and each must be where it belongs", () => {
    expect(pricing.lookup("aba")).toBeUndefined();
    expect(pricing.lookup("xxba")).toBeUndefined();
    expect(pricing.lookup("abzzz")).toBeUndefined();
    expect(pricing.lookup("abba")).toMatchObject({ input: 7, output: 8 });
    expect(pricing.lookup("ab-x-ba")).toMatchObject({ input: 7 });
  });

  test("a new model without any price given costs nothing, rather than failing", () => {
    expect(createPricing({ "house-*": { output: 2 } }).lookup("house-model")).toMatchObject({
      input: 0,
      output: 2,
    });
  });

  test("a new model's missing output price is 0 and its cache prices its input price", () => {
    expect(createPricing({ "house-*": { input: 4 } }).lookup("house-model")).toMatchObject({
      input: 4,
      output: 0,
      cacheWrite: 4,
      cacheWrite1h: 4,
      cacheRead: 4,
    });
  });
});
