import { describe, expect, test } from "bun:test";
import { buildPlan } from "../../../src/routing/plan.ts";
import { createRouter } from "../../../src/routing/providers.ts";
import { testConfig } from "../../helpers/config.ts";

const config = () => {
  const c = testConfig({ SLUICE_ANTHROPIC_API_KEY: "sk-ant" });
  c.providers = {
    local: { preset: "ollama", apiKeys: [] },
    renamed: { preset: "anthropic", base_url: "http://127.0.0.1:1", apiKeys: ["sk-renamed"] },
  };
  c.routes = [
    { match: "claude-haiku-*", provider: "local", model: "qwen2.5-coder:7b" },
    { match: "opus-alias", provider: "renamed", model: "claude-opus-4-5" },
    {
      match: "claude-sonnet-*",
      provider: "anthropic",
      max_tokens: 1000,
      fallback: ["local:qwen3-coder:30b", "renamed", "openai:gpt-4.1", "missing:x"],
    },
    { match: "local-first", provider: "local", fallback: ["anthropic:claude-sonnet-4-5"] },
  ];
  return c;
};

describe("the plan with fallbacks", () => {
  test("the route's target first, then each fallback in order, each spoken to in its own format", () => {
    const c = config();
    const match = createRouter(c).match("claude-sonnet-4-5");
    const plan = buildPlan({ upstream: c.upstreams.anthropic, match, counting: false });
    expect(plan.map((t) => [t.name, t.leg, t.match?.model])).toEqual([
      ["anthropic", "pass", "claude-sonnet-4-5"],
      ["local", "translate", "qwen3-coder:30b"],
      ["renamed", "pass", "claude-sonnet-4-5"],
      ["openai", "translate", "gpt-4.1"],
    ]);
    // The route's max_tokens is its own model's limit, not its fallbacks'.
    expect(plan[0]?.match?.maxTokens).toBe(1000);
    expect(plan[1]?.match?.maxTokens).toBeUndefined();
    expect(plan[0]?.keys).toEqual(["sk-ant"]);
  });

  test("count_tokens: a fallback in OpenAI format counts locally", () => {
    const c = config();
    const match = createRouter(c).match("claude-sonnet-4-5");
    const plan = buildPlan({ upstream: c.upstreams.anthropic, match, counting: true });
    expect(plan.map((t) => t.leg)).toEqual(["pass", "count", "pass", "count"]);
  });

  test("an OpenAI-format route falls back to Anthropic as a pass leg", () => {
    const c = config();
    const plan = buildPlan({
      upstream: c.upstreams.anthropic,
      match: createRouter(c).match("local-first"),
      counting: false,
    });
    expect(plan.map((t) => [t.name, t.leg, t.api])).toEqual([
      ["local", "translate", "openai"],
      ["anthropic", "pass", "anthropic"],
    ]);
  });

  test("provider = openai without a table is the OpenAI upstream at its /v1 root, with its keys", () => {
    const c = config();
    c.upstreams.openai.apiKeys = ["sk-o1", "sk-o2"];
    const plan = buildPlan({
      upstream: c.upstreams.anthropic,
      match: createRouter(c).match("claude-sonnet-x"),
      counting: false,
    });
    expect(plan[3]).toMatchObject({
      name: "openai",
      baseUrl: "https://api.openai.com/v1",
      keys: ["sk-o1", "sk-o2"],
    });
  });
});

describe("the plan for an OpenAI client", () => {
  const withChatRoute = () => {
    const c = config();
    c.routes = [
      { api: "openai", match: "gpt-4.1-mini", provider: "local" },
      { api: "openai", match: "gpt-*", provider: "openai", fallback: ["local:qwen3-coder"] },
      ...c.routes,
    ];
    return c;
  };

  test("an OpenAI route's targets are all pass legs in the OpenAI format, fallbacks in order", () => {
    const c = withChatRoute();
    const match = createRouter(c).match("gpt-4.1", "openai");
    const plan = buildPlan({ upstream: c.upstreams.openai, match, counting: false, clientApi: "openai" });
    expect(plan.map((t) => [t.name, t.leg, t.api, t.match?.model, t.foreign])).toEqual([
      ["openai", "pass", "openai", "gpt-4.1", undefined],
      // Not the client's own upstream: its key never goes there.
      ["local", "pass", "openai", "qwen3-coder", true],
    ]);
  });

  test("routes keep to their client API: an Anthropic request never takes an OpenAI route, nor the other way", () => {
    const router = createRouter(withChatRoute());
    expect(router.match("gpt-4.1")).toBeUndefined();
    expect(router.match("claude-haiku-4-5", "openai")).toBeUndefined();
    expect(router.match("claude-haiku-4-5")?.provider.name).toBe("local");
    // GET /v1/models is Anthropic's: an OpenAI route's literal model is not listed.
    expect(router.listedModels()).toEqual(["opus-alias", "local-first"]);
  });
});

describe("the plan", () => {
  test("an unrouted request is one pass target: its upstream, with sluice's key", () => {
    const c = config();
    expect(buildPlan({ upstream: c.upstreams.anthropic, counting: false })).toEqual([
      {
        name: "anthropic",
        leg: "pass",
        api: "anthropic",
        baseUrl: "https://api.anthropic.com",
        keys: ["sk-ant"],
      },
    ]);
  });

  test("no configured key means an empty pool: the client's own key passes", () => {
    const c = config();
    const [t] = buildPlan({ upstream: c.upstreams.openai, counting: false });
    expect(t).toMatchObject({ name: "openai", leg: "pass", api: "openai", keys: [] });
  });

  test("a route to an OpenAI-format provider translates, and counts tokens locally", () => {
    const c = config();
    const match = createRouter(c).match("claude-haiku-4-5");
    const [t] = buildPlan({ upstream: c.upstreams.anthropic, match, counting: false });
    expect(t).toMatchObject({ name: "local", leg: "translate", api: "openai", keys: [] });
    expect(t?.match?.model).toBe("qwen2.5-coder:7b");
    expect(buildPlan({ upstream: c.upstreams.anthropic, match, counting: true })[0]?.leg).toBe("count");
  });

  test("a route to an Anthropic-format provider passes, with that provider's key and URL", () => {
    const c = config();
    const match = createRouter(c).match("opus-alias");
    const plan = buildPlan({ upstream: c.upstreams.anthropic, match, counting: true });
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatchObject({
      name: "renamed",
      leg: "pass",
      api: "anthropic",
      baseUrl: "http://127.0.0.1:1",
      keys: ["sk-renamed"],
    });
  });
});
