import { describe, expect, test } from "bun:test";
import { createUsageTracker, usageFromJson } from "../../../src/metrics/usage.ts";
import { fixtureJson, trackFixture } from "./fixture.ts";

describe("Gemini usage", () => {
  test("generateContent: cached content is taken out of the prompt, thoughts are output and reasoning", () => {
    expect(usageFromJson("gemini", fixtureJson("gemini-response.json"))).toEqual({
      responseId: "9pQfaYOtNJmxz7IP3cuHqAw",
      model: "gemini-2.5-pro",
      stopReason: "STOP",
      usage: {
        inputTokens: 2048,
        outputTokens: 1943,
        cacheWriteTokens: 0,
        cacheReadTokens: 8192,
        reasoningTokens: 1210,
      },
    });
  });

  test("SSE stream (CRLF framed): the last usageMetadata wins", () => {
    expect(trackFixture("gemini", "gemini-stream.sse")).toEqual({
      responseId: "sJ0faaXkKqOVz7IPzdbsiQo",
      model: "gemini-2.5-flash",
      stopReason: "STOP",
      usage: {
        inputTokens: 1138,
        outputTokens: 496,
        cacheWriteTokens: 0,
        cacheReadTokens: 4096,
        reasoningTokens: 400,
      },
    });
  });

  test("a non-SSE stream body is a JSON array of chunks", () => {
    expect(usageFromJson("gemini", fixtureJson("gemini-stream-array.json"))).toEqual({
      responseId: "aZ0faaXkKqOVz7IPzdbsiQp",
      model: "gemini-2.5-flash-lite",
      stopReason: "STOP",
      usage: {
        inputTokens: 41,
        outputTokens: 12,
        cacheWriteTokens: 0,
        cacheReadTokens: 0,
        reasoningTokens: 0,
      },
    });
  });

  test("an error body is recorded", () => {
    expect(usageFromJson("gemini", fixtureJson("gemini-error.json"))).toEqual({
      error: "RESOURCE_EXHAUSTED: Resource has been exhausted (e.g. check quota).",
    });
  });

  test("a blocked prompt reports the block reason as the stop reason", () => {
    const t = createUsageTracker("gemini");
    t.onEvent({
      data: '{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":7,"totalTokenCount":7}}',
    });
    expect(t.result()).toEqual({
      stopReason: "SAFETY",
      usage: { inputTokens: 7, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, reasoningTokens: 0 },
    });
  });

  test("a request body yields no usage", () => {
    expect(usageFromJson("gemini", fixtureJson("gemini-request.json")).usage).toBeUndefined();
  });
});
