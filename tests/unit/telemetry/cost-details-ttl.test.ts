// Langfuse's usage and cost details keep Anthropic's 1-hour cache writes apart, so a trace's cost
// matches the invoice line by line. Dollar amounts are worked out by hand from Sonnet 4.6's rates.
import { describe, expect, test } from "bun:test";
import { createPricing } from "../../../src/metrics/pricing.ts";
import type { Usage } from "../../../src/metrics/usage.ts";
import { costDetails, usageDetails } from "../../../src/telemetry/generation.ts";

const u: Usage = {
  inputTokens: 1000,
  outputTokens: 500,
  cacheWriteTokens: 10_000,
  cacheWrite1hTokens: 4000,
  cacheReadTokens: 20_000,
  reasoningTokens: 100,
};
const price = createPricing().lookup("claude-sonnet-4-6")!;

describe("Langfuse details with 1-hour cache writes", () => {
  test("usage: the 1-hour writes are their own input type", () => {
    expect(usageDetails(u)).toEqual({
      input: 1000,
      input_cache_creation: 6000,
      input_cache_creation_1h: 4000,
      input_cache_read: 20_000,
      output: 400,
      output_reasoning: 100,
      total: 31_500,
    });
  });
  test("cost: 6000 x $3.75 and 4000 x $6 apart, summing to the exchange's $0.063", () => {
    const c = costDetails(u, price);
    expect(c.input).toBeCloseTo(0.003, 12); // 1000 x $3
    expect(c.input_cache_creation).toBeCloseTo(0.0225, 12); // 6000 x $3.75
    expect(c.input_cache_creation_1h).toBeCloseTo(0.024, 12); // 4000 x $6
    expect(c.input_cache_read).toBeCloseTo(0.006, 12); // 20000 x $0.30
    expect(c.output).toBeCloseTo(0.006, 12); // 400 x $15
    expect(c.output_reasoning).toBeCloseTo(0.0015, 12); // 100 x $15
    expect(c.total).toBeCloseTo(0.063, 12);
  });
  test("no 1-hour type when nothing was written for an hour", () => {
    const plain = { ...u, cacheWrite1hTokens: undefined };
    expect(usageDetails(plain)).not.toHaveProperty("input_cache_creation_1h");
    expect(costDetails(plain, price)).not.toHaveProperty("input_cache_creation_1h");
  });
});
