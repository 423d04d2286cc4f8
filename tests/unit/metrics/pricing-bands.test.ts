// Anthropic's own rates for 1-hour cache writes and for long prompts. Every expected dollar amount
// is worked out by hand from the published rates (USD per million tokens) in the comment above it.
import { describe, expect, test } from "bun:test";
import { createPricing, DEFAULT_PRICES } from "../../../src/metrics/pricing.ts";
import type { Usage } from "../../../src/metrics/usage.ts";

const usage = (u: Partial<Usage>): Usage => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheWriteTokens: 0,
  cacheReadTokens: 0,
  reasoningTokens: 0,
  ...u,
});
const pricing = createPricing();

describe("1-hour cache writes", () => {
  test("are priced at 2x input, the rest of the writes at 1.25x (Sonnet 4.6)", () => {
    // 1000 x $3 + 500 x $15 + 6000 x $3.75 (5m) + 4000 x $6 (1h) + 20000 x $0.30
    // = 3000 + 7500 + 22500 + 24000 + 6000 micro-dollars = $0.063
    const u = usage({
      inputTokens: 1000,
      outputTokens: 500,
      cacheWriteTokens: 10_000,
      cacheWrite1hTokens: 4000,
      cacheReadTokens: 20_000,
    });
    expect(pricing.costFor("claude-sonnet-4-6", u)).toBeCloseTo(0.063, 12);
  });
  test("without a TTL breakdown every write is a 5-minute write (Sonnet 4.6)", () => {
    // 1000 x $3 + 500 x $15 + 10000 x $3.75 + 20000 x $0.30 = 3000 + 7500 + 37500 + 6000 = $0.054
    const u = usage({
      inputTokens: 1000,
      outputTokens: 500,
      cacheWriteTokens: 10_000,
      cacheReadTokens: 20_000,
    });
    expect(pricing.costFor("claude-sonnet-4-6", u)).toBeCloseTo(0.054, 12);
  });
  test("Opus 5.5 has its own rates, not Opus 5's", () => {
    // 100000 x $4 + 50000 x $8 (1h) + 10000 x $20 = 400000 + 400000 + 200000 micro-dollars = $1
    const u = usage({
      inputTokens: 100_000,
      cacheWriteTokens: 50_000,
      cacheWrite1hTokens: 50_000,
      outputTokens: 10_000,
    });
    expect(pricing.costFor("claude-opus-5-5", u)).toBeCloseTo(1, 12);
    expect(pricing.lookup("claude-opus-5-5")).toEqual(DEFAULT_PRICES["claude-opus-5-5"]!);
  });
  test("a 1-hour count above the writes is held to the writes", () => {
    // 1000 x $6 (1h, at most the 1000 written) = $0.006
    const u = usage({ cacheWriteTokens: 1000, cacheWrite1hTokens: 5000 });
    expect(pricing.costFor("claude-sonnet-4-6", u)).toBeCloseTo(0.006, 12);
  });
});

describe("long context", () => {
  test("Sonnet 4.5 with a prompt over 200K: every token at the long rates", () => {
    // prompt 150000 + 60000 read = 210000 > 200000:
    // 150000 x $6 + 60000 x $0.60 + 2000 x $22.50 = 900000 + 36000 + 45000 micro-dollars = $0.981
    const u = usage({ inputTokens: 150_000, cacheReadTokens: 60_000, outputTokens: 2000 });
    expect(pricing.costFor("claude-sonnet-4-5-20250929", u)).toBeCloseTo(0.981, 12);
  });
  test("Sonnet 4.5 at exactly 200K stays at the base rates", () => {
    // 140000 x $3 + 60000 x $0.30 + 2000 x $15 = 420000 + 18000 + 30000 micro-dollars = $0.468
    const u = usage({ inputTokens: 140_000, cacheReadTokens: 60_000, outputTokens: 2000 });
    expect(pricing.costFor("claude-sonnet-4-5", u)).toBeCloseTo(0.468, 12);
  });
  test("Haiku 5.5 over 100K counts cache writes in the prompt, 1-hour writes at the long rate", () => {
    // prompt 90000 + 20000 written = 110000 > 100000:
    // 90000 x $0.50 + 20000 x $1 (1h) + 1000 x $2.50 = 45000 + 20000 + 2500 micro-dollars = $0.0675
    const u = usage({
      inputTokens: 90_000,
      cacheWriteTokens: 20_000,
      cacheWrite1hTokens: 20_000,
      outputTokens: 1000,
    });
    expect(pricing.costFor("claude-haiku-5-5", u)).toBeCloseTo(0.0675, 12);
  });
  test("Haiku 5.5 at 100K is the small-prompt price", () => {
    // 80000 x $0.10 + 20000 x $0.20 (1h) + 1000 x $0.50 = 8000 + 4000 + 500 micro-dollars = $0.0125
    const u = usage({
      inputTokens: 80_000,
      cacheWriteTokens: 20_000,
      cacheWrite1hTokens: 20_000,
      outputTokens: 1000,
    });
    expect(pricing.costFor("claude-haiku-5-5", u)).toBeCloseTo(0.0125, 12);
  });
  test("Sonnet 4.6 bills its whole 1M window at one rate", () => {
    // 500000 x $3 = $1.50
    expect(pricing.costFor("claude-sonnet-4-6", usage({ inputTokens: 500_000 }))).toBeCloseTo(1.5, 12);
  });
  test("an operator's override is the price at any prompt size", () => {
    const p = createPricing({ "claude-sonnet-4-5": { input: 2 } });
    expect(p.lookup("claude-sonnet-4-5")?.longContext).toBeUndefined();
    // 300000 x $2 = $0.60
    expect(p.costFor("claude-sonnet-4-5", usage({ inputTokens: 300_000 }))).toBeCloseTo(0.6, 12);
  });
  test("an override may set the 1-hour write rate of a model of its own", () => {
    const p = createPricing({ "my-claude": { input: 1, cacheWrite1h: 3 } });
    // 1000 x $3 = $0.003
    const u = usage({ cacheWriteTokens: 1000, cacheWrite1hTokens: 1000 });
    expect(p.costFor("my-claude", u)).toBeCloseTo(0.003, 12);
  });
});
