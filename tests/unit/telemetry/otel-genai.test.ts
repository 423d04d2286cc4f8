// The GenAI conventions' vocabulary for sluice's traffic: operation names per API and path,
// well-known provider names by host (presets and the wire format otherwise), server address
// and port, sampling settings from any API's body, and low-cardinality error types.
import { describe, expect, test } from "bun:test";
import {
  errorType,
  openAiApiType,
  operationOf,
  providerName,
  requestParams,
  serverOf,
} from "../../../src/telemetry/otel-genai.ts";
import { finishedExchange } from "./fixture.ts";

describe("operationOf", () => {
  test.each([
    ["anthropic", "POST", "/v1/messages", "chat"],
    ["anthropic", "POST", "/v1/messages/count_tokens", undefined],
    ["anthropic", "POST", "/v1/complete", "text_completion"],
    ["anthropic", "GET", "/v1/models", undefined],
    ["openai", "POST", "/v1/chat/completions", "chat"],
    ["openai", "POST", "/v1/responses", "chat"],
    ["openai", "POST", "/v1/completions", "text_completion"],
    ["openai", "POST", "/v1/embeddings", "embeddings"],
    ["openai", "GET", "/v1/responses", undefined],
    ["gemini", "POST", "/v1beta/models/gemini-2.5-flash:generateContent", "generate_content"],
    ["gemini", "POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent", "generate_content"],
    ["gemini", "POST", "/v1beta/models/text-embedding-004:embedContent", "embeddings"],
    ["gemini", "POST", "/v1beta/models/gemini-2.5-flash:countTokens", undefined],
  ] as const)("%s %s %s is %s", (api, method, path, op) => {
    expect(operationOf(api, method, path)).toBe(op);
  });

  test("openai.api.type tells Chat Completions from Responses", () => {
    expect(openAiApiType("/v1/chat/completions")).toBe("chat_completions");
    expect(openAiApiType("/v1/responses")).toBe("responses");
    expect(openAiApiType("/v1/embeddings")).toBeUndefined();
  });
});

describe("providerName", () => {
  test.each([
    ["anthropic", "api.anthropic.com", undefined, "anthropic"],
    ["openai", "api.openai.com", undefined, "openai"],
    ["openai", "myres.openai.azure.com", undefined, "azure.ai.openai"],
    ["gemini", "generativelanguage.googleapis.com", undefined, "gcp.gemini"],
    ["openai", "api.deepseek.com", "deepseek", "deepseek"],
    ["openai", "api.x.ai", "xai", "x_ai"],
    ["openai", "openrouter.ai", "openrouter", "openrouter"],
    ["openai", "127.0.0.1", "ollama", "ollama"],
    ["openai", "127.0.0.1", "xai", "x_ai"],
    ["openai", "127.0.0.1", undefined, "openai"],
    ["gemini", "127.0.0.1", undefined, "gcp.gemini"],
  ] as const)("%s at %s (preset %s) is %s", (api, host, preset, name) => {
    expect(providerName(api, host, preset)).toBe(name);
  });
});

describe("serverOf", () => {
  test("address and port, with the scheme's default port", () => {
    expect(serverOf("https://api.anthropic.com")).toEqual({ address: "api.anthropic.com", port: 443 });
    expect(serverOf("http://127.0.0.1:8787/v1")).toEqual({ address: "127.0.0.1", port: 8787 });
    expect(serverOf("http://[::1]:9000")).toEqual({ address: "::1", port: 9000 });
    expect(serverOf("http://localhost")).toEqual({ address: "localhost", port: 80 });
    expect(serverOf("not a url")).toBeUndefined();
  });
});

describe("requestParams", () => {
  test("Anthropic and OpenAI names", () => {
    expect(
      requestParams({
        max_tokens: 100,
        temperature: 0.2,
        top_p: 0.9,
        top_k: 5,
        stop_sequences: ["a", "b"],
        messages: [],
      }),
    ).toEqual({ maxTokens: 100, temperature: 0.2, topP: 0.9, topK: 5, stopSequences: ["a", "b"] });
    expect(
      requestParams({
        max_completion_tokens: 7,
        stop: "x",
        seed: 3,
        n: 2,
        frequency_penalty: 0.5,
        presence_penalty: 0,
      }),
    ).toEqual({
      maxTokens: 7,
      stopSequences: ["x"],
      seed: 3,
      choiceCount: 2,
      frequencyPenalty: 0.5,
      presencePenalty: 0,
    });
    expect(requestParams({ max_output_tokens: 9, input: "hi" })).toEqual({ maxTokens: 9 });
  });

  test("Gemini's generationConfig", () => {
    expect(
      requestParams({
        contents: [],
        generationConfig: {
          maxOutputTokens: 200,
          temperature: 0.7,
          topK: 40,
          stopSequences: ["END"],
          candidateCount: 1,
        },
      }),
    ).toEqual({ maxTokens: 200, temperature: 0.7, topK: 40, stopSequences: ["END"], choiceCount: 1 });
  });

  test("nothing, or not an object: undefined; wrong types are skipped", () => {
    expect(requestParams({ messages: [] })).toBeUndefined();
    expect(requestParams("text")).toBeUndefined();
    expect(requestParams([1])).toBeUndefined();
    expect(requestParams({ temperature: "hot", max_tokens: Number.NaN, stop: [1] })).toBeUndefined();
  });
});

describe("errorType", () => {
  test("sluice's own kind first, then the status, then the answer's error type, then how it ended", () => {
    expect(errorType(finishedExchange({ errorKind: "upstream_timeout", status: 504 }))).toBe(
      "upstream_timeout",
    );
    expect(errorType(finishedExchange({ status: 529 }))).toBe("529");
    expect(errorType(finishedExchange({ upstreamError: "overloaded_error: Overloaded" }))).toBe(
      "overloaded_error",
    );
    expect(errorType(finishedExchange({ upstreamError: "something went badly wrong: x" }))).toBe(
      "upstream_error",
    );
    expect(errorType(finishedExchange({ outcome: "incomplete" }))).toBe("incomplete");
    expect(errorType(finishedExchange({ outcome: "client_closed" }))).toBe("client_closed");
    expect(errorType(finishedExchange())).toBeUndefined();
  });
});
