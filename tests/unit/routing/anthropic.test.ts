import { describe, expect, test } from "bun:test";
import { isProxyError } from "../../../src/errors.ts";
import { setFields } from "../../../src/json/edit.ts";
import { forAnthropicProvider, validateAnthropic } from "../../../src/routing/anthropic.ts";
import { forChatProvider } from "../../../src/routing/chat.ts";
import type { RouteMatch } from "../../../src/routing/providers.ts";

const match = (model: string, caps: { provider?: number; route?: number } = {}): RouteMatch => ({
  provider: {
    name: "p",
    format: "anthropic",
    baseUrl: "http://x",
    apiKeys: [],
    preset: {
      format: "anthropic",
      baseUrl: "http://x",
      ...(caps.provider ? { maxTokensCap: caps.provider } : {}),
    },
    strict: false,
    dropParams: [],
  },
  model,
  ...(caps.route ? { maxTokens: caps.route } : {}),
});

describe("validating Anthropic requests", () => {
  test("a messages body is checked in full, count_tokens without max_tokens", () => {
    const body = { model: "m", messages: [{ role: "user", content: "hi" }] };
    expect(isProxyError(validateAnthropic(body, false))).toBe(true);
    expect(validateAnthropic(body, true)).toEqual({ kind: "count_tokens", request: body });
    expect(validateAnthropic({ ...body, max_tokens: 5 }, false)).toMatchObject({ kind: "messages" });
  });

  test("the 400 names the field, never the value", () => {
    const err = validateAnthropic({ model: 42, messages: "sk-secret-value" }, true);
    expect(isProxyError(err) && err.status).toBe(400);
    expect(JSON.stringify(err)).not.toContain("sk-secret-value");
  });
});

describe("the body an Anthropic-format provider gets", () => {
  const body = { model: "alias", max_tokens: 64000, thinking: { type: "enabled", budget_tokens: 50000 } };

  test("is left alone when model and caps leave it alone", () => {
    expect(forAnthropicProvider({ model: "alias", max_tokens: 10 }, match("alias", { route: 100 }))).toEqual(
      [],
    );
  });

  test("gets the route's model name", () => {
    expect(forAnthropicProvider({ model: "alias", max_tokens: 1 }, match("claude-opus-4-5"))).toEqual([
      [["model"], '"claude-opus-4-5"'],
    ]);
  });

  test("has max_tokens lowered to the lower cap, and the thinking budget below it", () => {
    const fields = forAnthropicProvider(body, match("alias", { provider: 8000, route: 4000 }));
    const text = `{"model":"alias","max_tokens":64000,"x":12345678901234567890,"thinking":{"type":"enabled","budget_tokens":50000}}`;
    expect(setFields(text, fields)).toBe(
      `{"model":"alias","max_tokens":4000,"x":12345678901234567890,"thinking":{"type":"enabled","budget_tokens":3999}}`,
    );
    expect(body.max_tokens).toBe(64000);
  });
});

describe("the body an OpenAI-format provider gets from an OpenAI client's route", () => {
  test("the model is renamed; max_tokens and max_completion_tokens are lowered to the cap, never raised", () => {
    const body = { model: "gpt-4.1", max_tokens: 9000, max_completion_tokens: 50, messages: [] };
    expect(forChatProvider(body, match("qwen3-coder", { provider: 8000, route: 4000 }))).toEqual([
      [["model"], '"qwen3-coder"'],
      [["max_tokens"], "4000"],
    ]);
    expect(
      forChatProvider({ model: "gpt-4.1", max_completion_tokens: 9000 }, match("gpt-4.1", { route: 100 })),
    ).toEqual([[["max_completion_tokens"], "100"]]);
    expect(forChatProvider({ model: "gpt-4.1", max_tokens: 9000 }, match("gpt-4.1"))).toEqual([]);
    // At the cap, or not a number (the backend's to refuse): left as sent.
    expect(forChatProvider({ model: "m", max_tokens: 100 }, match("m", { route: 100 }))).toEqual([]);
    expect(forChatProvider({ model: "m", max_tokens: "9000" }, match("m", { route: 100 }))).toEqual([]);
  });
});
