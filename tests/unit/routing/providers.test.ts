import { describe, expect, test } from "bun:test";
import { createRouter, globMatch, maxTokensCap } from "../../../src/routing/providers.ts";
import { testConfig } from "../../helpers/config.ts";

describe("route globs", () => {
  test("* matches any run, ? one character, everything else itself", () => {
    expect(globMatch("claude-haiku-*", "claude-haiku-4-5")).toBe(true);
    expect(globMatch("claude-haiku-*", "claude-sonnet-4-5")).toBe(false);
    expect(globMatch("gpt-?o", "gpt-4o")).toBe(true);
    expect(globMatch("*", "anything")).toBe(true);
    expect(globMatch("a*b*c", "axxbyyc")).toBe(true);
    expect(globMatch("a*b*c", "axxbyy")).toBe(false);
  });

  test("a long adversarial name is matched without blowing up", () => {
    expect(globMatch("*a*a*a*a*b", "a".repeat(5000))).toBe(false);
  });
});

describe("the router", () => {
  const config = () => {
    const c = testConfig();
    c.providers = { local: { preset: "ollama", apiKeys: ["k"], max_tokens: 8000 } };
    c.routes = [
      { match: "claude-haiku-*", provider: "local", model: "qwen", max_tokens: 4000 },
      { match: "claude-*", provider: "anthropic" },
      { match: "gone", provider: "missing" },
      { match: "deepseek-chat", provider: "local" },
    ];
    return c;
  };

  test("the first matching route wins, and its model defaults to the one asked for", () => {
    const r = createRouter(config());
    expect(r.match("claude-haiku-4-5")?.model).toBe("qwen");
    expect(r.match("claude-sonnet-4-5")).toMatchObject({ model: "claude-sonnet-4-5" });
    expect(r.match("claude-sonnet-4-5")?.provider.name).toBe("anthropic");
    expect(r.match("gpt-4o")).toBeUndefined();
  });

  test("provider = anthropic without a table is the configured Anthropic upstream", () => {
    const c = config();
    c.upstreams.anthropic.baseUrl = "http://127.0.0.1:9";
    expect(createRouter(c).match("claude-x")?.provider).toMatchObject({
      format: "anthropic",
      baseUrl: "http://127.0.0.1:9",
    });
  });

  test("routes to unknown providers are ignored, literal matches are listed", () => {
    const r = createRouter(config());
    expect(r.match("gone")).toBeUndefined();
    expect(r.listedModels()).toEqual(["deepseek-chat"]);
  });

  test("the lower of the route's and the provider's max_tokens caps applies", () => {
    const match = createRouter(config()).match("claude-haiku-1");
    expect(match && maxTokensCap(match)).toBe(4000);
  });
});
