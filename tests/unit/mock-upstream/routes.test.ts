import { describe, expect, test } from "bun:test";
import { matchRoute } from "../../../src/mock-upstream/routes.ts";

const none = new Headers();
const anthropic = new Headers({ "anthropic-version": "2023-06-01" });

describe("matchRoute", () => {
  test("sends the Anthropic and OpenAI POST paths to their dialects", () => {
    expect(matchRoute("POST", "/v1/messages", none)).toMatchObject({ kind: "handler", flavor: "anthropic" });
    expect(matchRoute("POST", "/v1/messages/count_tokens", none)).toMatchObject({ flavor: "anthropic" });
    expect(matchRoute("POST", "/v1/chat/completions", none)).toMatchObject({
      kind: "handler",
      flavor: "openai",
    });
    expect(matchRoute("POST", "/v1/embeddings", none)).toMatchObject({ flavor: "openai" });
    expect(matchRoute("POST", "/v1/responses", none)).toMatchObject({ flavor: "openai" });
  });

  test("answers GET /v1/models in Anthropic format only when anthropic-version is present", () => {
    expect(matchRoute("GET", "/v1/models", anthropic)).toMatchObject({ flavor: "anthropic" });
    expect(matchRoute("GET", "/v1/models", none)).toMatchObject({ flavor: "openai" });
    expect(matchRoute("HEAD", "/v1/models/gpt-4o", none)).toMatchObject({
      kind: "handler",
      params: { id: "gpt-4o" },
    });
  });

  test("splits a Gemini path into model and method", () => {
    expect(matchRoute("POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent", none)).toMatchObject({
      kind: "handler",
      flavor: "gemini",
      params: { model: "gemini-2.5-flash", method: "streamGenerateContent" },
    });
    expect(matchRoute("GET", "/v1beta/models", none)).toMatchObject({ kind: "handler", flavor: "gemini" });
  });

  test("reports a wrong method with the allowed ones, and unknown paths in the path's dialect", () => {
    expect(matchRoute("GET", "/v1/messages", none)).toEqual({
      kind: "method_not_allowed",
      flavor: "anthropic",
      allow: "POST",
    });
    expect(matchRoute("GET", "/v1beta/nope", none)).toEqual({ kind: "not_found", flavor: "gemini" });
    expect(matchRoute("GET", "/elsewhere", anthropic)).toEqual({ kind: "not_found", flavor: "anthropic" });
  });
});
