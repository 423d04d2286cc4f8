import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../../src/config/load.ts";

const files = (map: Record<string, string>) => (path: string) => map[path];

describe("loadConfig", () => {
  test("defaults match CONTRACT.md", () => {
    const r = loadConfig({ env: {}, defaultFiles: [] });
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.config.port).toBe(8443);
    expect(r.config.host).toBe("0.0.0.0");
    expect(r.config.tls).toBe(true);
    expect(r.config.dashboardPort).toBe(9090);
    expect(r.config.maxBodyBytes).toBe(33554432);
    expect(r.config.upstreams.anthropic.baseUrl).toBe("https://api.anthropic.com");
    expect(r.config.retryMax).toBe(3);
    expect(r.config.readTimeoutMs).toBe(300_000);
    expect(r.sources.port).toBe("default");
  });

  test("precedence is flag > environment > file > default", () => {
    const read = files({ "s.toml": 'port = 1111\nhost = "10.0.0.1"\nlog_level = "debug"\nretry_max = 1' });
    const r = loadConfig({
      configPath: "s.toml",
      readFile: read,
      env: { SLUICE_PORT: "2222", SLUICE_HOST: "10.0.0.2" },
      flags: { port: "3333" },
    });
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.config.port).toBe(3333);
    expect(r.config.host).toBe("10.0.0.2");
    expect(r.config.logLevel).toBe("debug");
    expect(r.config.retryMax).toBe(1);
    expect([r.sources.port, r.sources.host, r.sources.log_level, r.sources.tls]).toEqual([
      "flag",
      "env",
      "file",
      "default",
    ]);
  });

  test("reports every bad setting at once, naming where it came from", () => {
    const r = loadConfig({
      env: {
        SLUICE_PORT: "http",
        SLUICE_SCRUB: "maybe",
        SLUICE_ANTHROPIC_BASE_URL: "ftp://x",
        SLUICE_TLS: "sometimes",
      },
      defaultFiles: [],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.errors.join("\n");
    expect(text).toContain("SLUICE_PORT");
    expect(text).toContain("SLUICE_SCRUB");
    expect(text).toContain("SLUICE_ANTHROPIC_BASE_URL");
    expect(text).toContain("SLUICE_TLS");
    expect(r.errors.length).toBeGreaterThanOrEqual(4);
  });

  test("never prints a secret value in an error", () => {
    const r = loadConfig({ env: { SLUICE_SCRUB_HMAC_KEY: "not-hex-SECRET123" }, defaultFiles: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join()).not.toContain("SECRET123");
  });

  test("an explicit config file that is missing is an error; default locations are optional", () => {
    const missing = loadConfig({ configPath: "nope.toml", readFile: () => undefined, env: {} });
    expect(missing.ok).toBe(false);
    const optional = loadConfig({ readFile: () => undefined, env: {} });
    expect(optional.ok).toBe(true);
  });

  test("SLUICE_CONFIG names the file, and unknown keys in it are errors", () => {
    const r = loadConfig({ env: { SLUICE_CONFIG: "a.toml" }, readFile: files({ "a.toml": "prot = 1" }) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toContain("prot");
  });

  test("accepts plain LANGFUSE_* names and requires both Langfuse keys", () => {
    const ok = loadConfig({
      env: { LANGFUSE_PUBLIC_KEY: "pk", LANGFUSE_SECRET_KEY: "sk" },
      defaultFiles: [],
    });
    expect(ok.ok && ok.config.langfuse.publicKey).toBe("pk");
    const half = loadConfig({ env: { SLUICE_LANGFUSE_PUBLIC_KEY: "pk" }, defaultFiles: [] });
    expect(half.ok).toBe(false);
  });

  test("never reads ANTHROPIC_BASE_URL or OPENAI_BASE_URL (a client pointed at sluice must not make it call itself)", () => {
    const r = loadConfig({
      env: { ANTHROPIC_BASE_URL: "https://127.0.0.1:8443", OPENAI_BASE_URL: "https://127.0.0.1:8443/v1" },
      defaultFiles: [],
    });
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.config.upstreams.anthropic.baseUrl).toBe("https://api.anthropic.com");
    expect(r.config.upstreams.openai.baseUrl).toBe("https://api.openai.com");
  });

  test("parses internal keys as key or name=key", () => {
    const r = loadConfig({ env: { SLUICE_API_KEYS: "alice=k1, k2" }, defaultFiles: [] });
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.config.apiKeys).toEqual([
      { name: "alice", key: "k1" },
      { name: "key2", key: "k2" },
    ]);
  });

  test("validates providers and routes tables", () => {
    const toml = `
[providers.local]
preset = "ollama"
api_key_env = "OLLAMA_KEY"

[[routes]]
match = "claude-haiku-*"
provider = "local"
model = "qwen2.5-coder:7b"

[[routes]]
match = "x-*"
provider = "missing"
`;
    const bad = loadConfig({ configPath: "p.toml", readFile: files({ "p.toml": toml }), env: {} });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.join()).toContain("providers.missing");
    const good = loadConfig({
      configPath: "p.toml",
      readFile: files({ "p.toml": toml.slice(0, toml.lastIndexOf("[[routes]]")) }),
      env: { OLLAMA_KEY: "ok" },
    });
    if (!good.ok) throw new Error(good.errors.join());
    expect(good.config.providers.local?.apiKeys).toEqual(["ok"]);
    expect(good.config.routes[0]?.model).toBe("qwen2.5-coder:7b");
  });

  test("a provider's think_tags is auto, open or off", () => {
    const load = (value: string) =>
      loadConfig({
        configPath: "p.toml",
        readFile: files({ "p.toml": `[providers.local]\npreset = "ollama"\nthink_tags = "${value}"\n` }),
        env: {},
      });
    const good = load("open");
    if (!good.ok) throw new Error(good.errors.join());
    expect(good.config.providers.local?.think_tags).toBe("open");
    const bad = load("maybe");
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.errors.join()).toContain("providers.local.think_tags in p.toml: must be auto, open or off");
  });
});
