// Usage fields the provider tests do not reach: Gemini's tool-use prompt tokens, a Chat usage
// that names only one side, error objects in Responses and Gemini bodies, and values that are
// not counts. Written from the survivors of `make mutate MODULE=usage`; every number a literal.
import { describe, expect, test } from "bun:test";
import { usageFromJson } from "../../../src/metrics/usage.ts";

describe("Gemini", () => {
  test("tool-use prompt tokens are input; thoughts are output and reasoning", () => {
    const r = usageFromJson("gemini", {
      candidates: [{ finishReason: "STOP" }],
      usageMetadata: {
        promptTokenCount: 100,
        cachedContentTokenCount: 40,
        toolUsePromptTokenCount: 7,
        candidatesTokenCount: 20,
        thoughtsTokenCount: 5,
      },
    });
    expect(r.usage).toEqual({
      inputTokens: 67,
      outputTokens: 25,
      cacheWriteTokens: 0,
      cacheReadTokens: 40,
      reasoningTokens: 5,
    });
    expect(r.stopReason).toBe("STOP");
  });

  test("an error body is described, and a candidate that is not an object is skipped", () => {
    expect(
      usageFromJson("gemini", { error: { code: 429, message: "slow down", status: "RESOURCE_EXHAUSTED" } })
        .error,
    ).toBe("RESOURCE_EXHAUSTED: slow down");
    expect(usageFromJson("gemini", { candidates: [null, { finishReason: "MAX_TOKENS" }] }).stopReason).toBe(
      "MAX_TOKENS",
    );
  });
});

describe("OpenAI", () => {
  test("a Chat usage with only completion_tokens is still read as Chat", () => {
    const r = usageFromJson("openai", { object: "chat.completion", usage: { completion_tokens: 9 } });
    expect(r.usage).toEqual({
      inputTokens: 0,
      outputTokens: 9,
      cacheWriteTokens: 0,
      cacheReadTokens: 0,
      reasoningTokens: 0,
    });
  });

  test("a Chat usage with only prompt_tokens is not mistaken for Responses' input_tokens", () => {
    const r = usageFromJson("openai", {
      usage: { prompt_tokens: 12, input_tokens: 999, output_tokens: 999 },
    });
    expect(r.usage).toMatchObject({ inputTokens: 12, outputTokens: 0 });
  });

  test("a failed Responses answer keeps its status and its error", () => {
    const r = usageFromJson("openai", {
      object: "response",
      status: "failed",
      error: { code: "server_error", message: "boom" },
    });
    expect(r.stopReason).toBe("failed");
    expect(r.error).toBe("server_error: boom");
    const cancelled = usageFromJson("openai", { object: "response", status: "cancelled", error: null });
    expect(cancelled.stopReason).toBe("cancelled");
    expect(cancelled.error).toBeUndefined();
  });

  test("counts that are negative, fractional, infinite or not numbers", () => {
    const r = usageFromJson("openai", {
      usage: {
        prompt_tokens: 10.7,
        completion_tokens: -3,
        completion_tokens_details: { reasoning_tokens: "4" },
      },
    });
    expect(r.usage).toEqual({
      inputTokens: 10,
      outputTokens: 0,
      cacheWriteTokens: 0,
      cacheReadTokens: 0,
      reasoningTokens: 0,
    });
    expect(
      usageFromJson("openai", { usage: { prompt_tokens: Number.POSITIVE_INFINITY } }).usage,
    ).toMatchObject({
      inputTokens: 0,
    });
  });
});
