import { describe, expect, test } from "bun:test";
import { createUsageTracker, usageFromJson } from "../../../src/metrics/usage.ts";
import { fixtureJson, trackFixture } from "./fixture.ts";

describe("Anthropic usage", () => {
  test("reads a non-stream message: model, stop reason and cache reads", () => {
    expect(usageFromJson("anthropic", fixtureJson("anthropic-response.json"))).toEqual({
      responseId: "msg_01XFDUDYJgAACzvnptvVoYEL",
      model: "claude-sonnet-4-5-20250929",
      stopReason: "tool_use",
      usage: {
        inputTokens: 25,
        outputTokens: 318,
        cacheWriteTokens: 0,
        cacheWrite1hTokens: 0,
        cacheReadTokens: 14336,
        reasoningTokens: 0,
      },
    });
  });

  test("a stream takes input from message_start and the cumulative totals from message_delta", () => {
    expect(trackFixture("anthropic", "anthropic-stream.sse")).toEqual({
      responseId: "msg_014p7gG3wDgGV9EUtLvnow3U",
      model: "claude-sonnet-4-5-20250929",
      stopReason: "end_turn",
      usage: {
        inputTokens: 12,
        outputTokens: 187,
        cacheWriteTokens: 2048,
        cacheWrite1hTokens: 0,
        cacheReadTokens: 8192,
        reasoningTokens: 0,
      },
    });
  });

  test("1-hour cache writes are read from cache_creation, as the part of the writes they are", () => {
    const body = {
      type: "message",
      usage: {
        input_tokens: 3,
        output_tokens: 5,
        cache_creation_input_tokens: 3000,
        cache_read_input_tokens: 0,
        cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
      },
    };
    expect(usageFromJson("anthropic", body).usage).toEqual({
      inputTokens: 3,
      outputTokens: 5,
      cacheWriteTokens: 3000,
      cacheWrite1hTokens: 2000,
      cacheReadTokens: 0,
      reasoningTokens: 0,
    });
  });

  test("an error event mid-stream is recorded, with the usage seen so far", () => {
    expect(trackFixture("anthropic", "anthropic-stream-error.sse")).toEqual({
      responseId: "msg_01Vh3bTgEYsuJkXYbfZx1Q2s",
      model: "claude-opus-4-5-20251101",
      error: "overloaded_error: Overloaded",
      usage: {
        inputTokens: 3200,
        outputTokens: 1,
        cacheWriteTokens: 0,
        cacheReadTokens: 0,
        reasoningTokens: 0,
      },
    });
  });

  test("an error body is recorded as an error, without usage", () => {
    expect(usageFromJson("anthropic", fixtureJson("anthropic-error.json"))).toEqual({
      error:
        "rate_limit_error: This request would exceed the rate limit for your organization of 50 requests per minute.",
    });
  });

  test("a request body yields nothing", () => {
    expect(usageFromJson("anthropic", fixtureJson("anthropic-request.json")).usage).toBeUndefined();
  });

  test("message_delta fields left null keep the message_start values", () => {
    const t = createUsageTracker("anthropic");
    t.onEvent({
      event: "message_start",
      data: '{"type":"message_start","message":{"model":"claude-haiku-4-5","usage":{"input_tokens":9,"cache_read_input_tokens":4,"output_tokens":1}}}',
    });
    t.onEvent({
      event: "message_delta",
      data: '{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"input_tokens":null,"output_tokens":50}}',
    });
    expect(t.result()).toEqual({
      model: "claude-haiku-4-5",
      stopReason: "max_tokens",
      usage: {
        inputTokens: 9,
        outputTokens: 50,
        cacheWriteTokens: 0,
        cacheReadTokens: 4,
        reasoningTokens: 0,
      },
    });
  });

  test("garbage, truncated JSON and an absent usage never throw", () => {
    const t = createUsageTracker("anthropic");
    for (const data of [
      "",
      "not json",
      '{"type":"message_start","message":',
      "[1,2]",
      '{"type":"message_delta"}',
    ]) {
      t.onEvent({ event: "message_delta", data });
    }
    expect(t.result()).toEqual({});
    expect(usageFromJson("anthropic", null)).toEqual({});
    expect(usageFromJson("anthropic", "text")).toEqual({});
  });

  test("result() hands out a copy the tracker does not change afterwards", () => {
    const t = createUsageTracker("anthropic");
    t.onEvent({ data: '{"type":"message_start","message":{"usage":{"input_tokens":1,"output_tokens":1}}}' });
    const first = t.result();
    t.onEvent({ data: '{"type":"message_delta","usage":{"output_tokens":99}}' });
    expect(first.usage?.outputTokens).toBe(1);
    expect(t.result().usage?.outputTokens).toBe(99);
  });
});
