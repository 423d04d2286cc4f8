import { describe, expect, test } from "bun:test";
import { createUsageTracker, usageFromJson } from "../../../src/metrics/usage.ts";
import { fixtureJson, trackFixture } from "./fixture.ts";

describe("OpenAI usage", () => {
  test("chat completion: cached tokens are taken out of prompt_tokens, reasoning is part of output", () => {
    expect(usageFromJson("openai", fixtureJson("openai-chat-response.json"))).toEqual({
      responseId: "chatcmpl-CTk4Xy0xXHc3qZ0rQ5n7aWJH9mPkL",
      model: "gpt-5-mini-2025-08-07",
      stopReason: "stop",
      usage: {
        inputTokens: 296,
        outputTokens: 412,
        cacheWriteTokens: 0,
        cacheReadTokens: 1024,
        reasoningTokens: 256,
      },
    });
  });

  test("chat stream: usage comes from the final include_usage chunk; [DONE] and comments are ignored", () => {
    expect(trackFixture("openai", "openai-chat-stream.sse")).toEqual({
      responseId: "chatcmpl-CTk6aBcDeFgHiJkLmNoPqRsTu",
      model: "gpt-4o-mini-2024-07-18",
      stopReason: "stop",
      usage: {
        inputTokens: 86,
        outputTokens: 42,
        cacheWriteTokens: 0,
        cacheReadTokens: 1920,
        reasoningTokens: 0,
      },
    });
  });

  test("Responses API object", () => {
    expect(usageFromJson("openai", fixtureJson("openai-responses-response.json"))).toEqual({
      responseId: "resp_68f0a1b2c3d4e5f60718293a4b5c6d7e",
      model: "gpt-5-2025-08-07",
      stopReason: "completed",
      usage: {
        inputTokens: 812,
        outputTokens: 1536,
        cacheWriteTokens: 0,
        cacheReadTokens: 0,
        reasoningTokens: 1024,
      },
    });
  });

  test("Responses API stream: usage from response.completed", () => {
    expect(trackFixture("openai", "openai-responses-stream.sse")).toEqual({
      responseId: "resp_68f0b2c3d4e5f6a7",
      model: "gpt-5-mini-2025-08-07",
      stopReason: "completed",
      usage: {
        inputTokens: 102,
        outputTokens: 640,
        cacheWriteTokens: 0,
        cacheReadTokens: 2048,
        reasoningTokens: 512,
      },
    });
  });

  test("an error body is recorded", () => {
    expect(usageFromJson("openai", fixtureJson("openai-error.json"))).toEqual({
      error:
        "invalid_request_error: This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens.",
    });
  });

  test("an error payload inside a 200 stream is recorded", () => {
    const t = createUsageTracker("openai");
    t.onEvent({ data: '{"model":"gpt-4.1","choices":[{"delta":{"content":"x"},"finish_reason":null}]}' });
    t.onEvent({
      data: '{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}',
    });
    expect(t.result()).toEqual({ model: "gpt-4.1", error: "server_error: The server had an error" });
  });

  test("a named error event and a Responses error event are recorded", () => {
    const named = createUsageTracker("openai");
    named.onEvent({ event: "error", data: '{"message":"upstream timed out","type":"timeout"}' });
    expect(named.result().error).toBe("timeout: upstream timed out");
    const responses = createUsageTracker("openai");
    responses.onEvent({ data: '{"type":"error","code":"rate_limit_exceeded","message":"Slow down"}' });
    expect(responses.result().error).toBe("rate_limit_exceeded: Slow down");
  });

  test("an incomplete Responses stream names why", () => {
    const t = createUsageTracker("openai");
    t.onEvent({
      data: '{"type":"response.incomplete","response":{"model":"o3","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"usage":{"input_tokens":10,"output_tokens":20}}}',
    });
    expect(t.result().stopReason).toBe("incomplete:max_output_tokens");
  });

  test("DeepSeek's prompt_cache_hit_tokens count as cache reads", () => {
    const body = {
      model: "deepseek-chat",
      usage: {
        prompt_tokens: 100,
        completion_tokens: 5,
        prompt_cache_hit_tokens: 64,
        prompt_cache_miss_tokens: 36,
      },
    };
    expect(usageFromJson("openai", body).usage).toEqual({
      inputTokens: 36,
      outputTokens: 5,
      cacheWriteTokens: 0,
      cacheReadTokens: 64,
      reasoningTokens: 0,
    });
  });

  test("a request body yields no usage", () => {
    expect(usageFromJson("openai", fixtureJson("openai-chat-request.json")).usage).toBeUndefined();
  });
});
