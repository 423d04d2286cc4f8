import { describe, expect, test } from "bun:test";
import { dropQueryKey, pickRoute, splitUrl, upstreamUrl } from "../../../src/proxy/route.ts";

describe("pickRoute follows the routes table of CONTRACT.md", () => {
  test("POST /v1/messages and count_tokens go to Anthropic", () => {
    expect(pickRoute("POST", "/v1/messages", false)).toEqual({
      upstream: "anthropic",
      api: "anthropic",
      endpoint: "messages",
    });
    expect(pickRoute("POST", "/v1/messages/count_tokens", false).endpoint).toBe("count_tokens");
  });
  test("any /v1/* with anthropic-version goes to Anthropic", () => {
    expect(pickRoute("GET", "/v1/models", true).upstream).toBe("anthropic");
  });
  test("other /v1/* goes to OpenAI; chat completions are recognised", () => {
    expect(pickRoute("GET", "/v1/models", false).upstream).toBe("openai");
    expect(pickRoute("POST", "/v1/chat/completions", false)).toEqual({
      upstream: "openai",
      api: "openai",
      endpoint: "chat_completions",
    });
  });
  test("/v1beta/* goes to Gemini", () => {
    expect(pickRoute("POST", "/v1beta/models/gemini-2.5-flash:generateContent", false).upstream).toBe(
      "gemini",
    );
  });
  test("anything else goes to Anthropic", () => {
    expect(pickRoute("GET", "/", false).upstream).toBe("anthropic");
    expect(pickRoute("POST", "/v2/other", false).upstream).toBe("anthropic");
  });
});

describe("upstreamUrl", () => {
  test("appends path and query to an origin", () => {
    expect(upstreamUrl("https://api.openai.com", "/v1/chat/completions?x=1")).toBe(
      "https://api.openai.com/v1/chat/completions?x=1",
    );
  });
  test("does not repeat a prefix the base already ends with", () => {
    expect(upstreamUrl("https://openrouter.ai/api/v1", "/v1/chat/completions")).toBe(
      "https://openrouter.ai/api/v1/chat/completions",
    );
  });
  test("keeps other prefixes", () => {
    expect(upstreamUrl("http://gw.local/anthropic", "/v1/messages")).toBe(
      "http://gw.local/anthropic/v1/messages",
    );
  });
});

describe("splitUrl and dropQueryKey", () => {
  test("splits path and query without a URL object", () => {
    expect(splitUrl("https://h:1/v1/messages?beta=true")).toEqual({
      path: "/v1/messages",
      query: "?beta=true",
    });
    expect(splitUrl("http://h/")).toEqual({ path: "/", query: "" });
    expect(splitUrl("http://h")).toEqual({ path: "/", query: "" });
  });
  test("removes only the key parameter", () => {
    expect(dropQueryKey("?alt=sse&key=SECRET")).toBe("?alt=sse");
    expect(dropQueryKey("?key=SECRET")).toBe("");
    expect(dropQueryKey("?alt=sse")).toBe("?alt=sse");
  });
});
