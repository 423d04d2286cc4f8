import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../../src/config/load.ts";

const files = (map: Record<string, string>) => (path: string) => map[path];
const load = (toml: string) =>
  loadConfig({ configPath: "p.toml", readFile: files({ "p.toml": toml }), env: {} });

describe("fallbacks in the configuration", () => {
  test("a route's fallback lists providers, with or without a model", () => {
    const r = load(
      '[providers.local]\npreset = "ollama"\n\n[[routes]]\nmatch = "*"\nprovider = "anthropic"\nfallback = ["local:qwen2.5-coder:7b", "openai"]\n',
    );
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.config.routes[0]?.fallback).toEqual(["local:qwen2.5-coder:7b", "openai"]);
  });

  test("a fallback naming no provider, or malformed, stops start-up with its place", () => {
    const r = load('[[routes]]\nmatch = "*"\nprovider = "anthropic"\nfallback = ["nowhere:m", ":m"]\n');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.join("\n")).toContain("routes.0.fallback.1");
      expect(r.errors.join("\n")).toContain('must be "provider" or "provider:model"');
    }
    const missing = load('[[routes]]\nmatch = "*"\nprovider = "anthropic"\nfallback = ["nowhere:m"]\n');
    expect(missing.ok).toBe(false);
    if (!missing.ok)
      expect(missing.errors.join()).toContain("routes[0].fallback[0]: no [providers.nowhere] table");
  });
});

describe("routes for OpenAI clients in the configuration", () => {
  test('api = "openai" routes take OpenAI-format targets; the default stays anthropic', () => {
    const r = load(
      '[providers.or]\npreset = "openrouter"\n\n[[routes]]\napi = "openai"\nmatch = "gpt-*"\nprovider = "openai"\nfallback = ["or:openai/gpt-4.1"]\n\n[[routes]]\nmatch = "claude-*"\nprovider = "or"\n',
    );
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.config.routes.map((x) => x.api)).toEqual(["openai", undefined]);
  });

  test("an OpenAI route to an Anthropic-format target, or an unknown api, stops start-up with its place", () => {
    const r = load(
      '[providers.ant]\npreset = "anthropic"\n\n[providers.custom]\nbase_url = "http://x.test"\nformat = "anthropic"\n\n[[routes]]\napi = "openai"\nmatch = "gpt-*"\nprovider = "anthropic"\nfallback = ["ant", "custom:m", "openai"]\n',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.errors.join("\n");
    expect(text).toContain("routes[0].provider: anthropic speaks the anthropic format");
    expect(text).toContain("routes[0].fallback[0]: ant speaks the anthropic format");
    expect(text).toContain("routes[0].fallback[1]: custom speaks the anthropic format");
    expect(text).not.toContain("fallback[2]");
    const bad = load('[[routes]]\napi = "gemini"\nmatch = "*"\nprovider = "openai"\n');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.join()).toContain("must be anthropic or openai");
  });
});

describe("key pools in the configuration", () => {
  test("an upstream key setting holds one key or a comma-separated pool", () => {
    const r = loadConfig({
      env: { SLUICE_ANTHROPIC_API_KEY: " k1 , k2,", SLUICE_OPENAI_API_KEY: "o1", SLUICE_GEMINI_API_KEY: "" },
      defaultFiles: [],
    });
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.config.upstreams.anthropic.apiKeys).toEqual(["k1", "k2"]);
    expect(r.config.upstreams.openai.apiKeys).toEqual(["o1"]);
    expect(r.config.upstreams.gemini.apiKeys).toEqual([]);
  });

  test("api_key_env names one variable or several, each holding one key or a list", () => {
    const toml = `
[providers.one]
preset = "ollama"
api_key_env = "ONE"

[providers.many]
preset = "openrouter"
api_key_env = ["KEY_A", "KEY_B", "UNSET"]
`;
    const r = loadConfig({
      configPath: "p.toml",
      readFile: files({ "p.toml": toml }),
      env: { ONE: "o", KEY_A: "a1,a2", KEY_B: "b" },
    });
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.config.providers.one?.apiKeys).toEqual(["o"]);
    expect(r.config.providers.many?.apiKeys).toEqual(["a1", "a2", "b"]);
  });

  test("a bad api_key_env is refused with its path", () => {
    const r = loadConfig({
      configPath: "p.toml",
      readFile: files({ "p.toml": '[providers.x]\npreset = "ollama"\napi_key_env = ["OK", "not a name"]\n' }),
      env: {},
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join()).toContain("providers.x.api_key_env");
  });
});
