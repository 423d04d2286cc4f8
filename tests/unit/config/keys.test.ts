import { describe, expect, test } from "bun:test";
import { sha256Hex } from "../../../src/config/keys.ts";
import { loadConfig } from "../../../src/config/load.ts";

const load = (toml: string, env: Record<string, string> = {}) =>
  loadConfig({ configPath: "s.toml", readFile: () => toml, env });

describe("[[keys]] in the config file", () => {
  test("a valid table becomes key policies with digests", () => {
    const r = load(
      `[[keys]]
name = "alice"
key_sha256 = "${"AB".repeat(32)}"
budget_usd_day = 20
budget_usd_month = 300
requests_per_minute = 60
tokens_per_minute = 400000
models = ["claude-sonnet-*"]

[[keys]]
name = "bob"
key_env = "BOB_KEY"

[[keys]]
name = "carol"
key = "sk-plain"`,
      { BOB_KEY: "sk-bob" },
    );
    if (!r.ok) throw new Error(r.errors.join("\n"));
    expect(r.config.keys).toEqual([
      {
        name: "alice",
        sha256: "ab".repeat(32),
        source: "sha256",
        budgetUsdDay: 20,
        budgetUsdMonth: 300,
        requestsPerMinute: 60,
        tokensPerMinute: 400000,
        models: ["claude-sonnet-*"],
      },
      { name: "bob", sha256: sha256Hex("sk-bob"), source: "env" },
      { name: "carol", sha256: sha256Hex("sk-plain"), source: "plain" },
    ]);
  });

  test("every bad field is reported at once, and no key value appears", () => {
    const r = load(
      `[[keys]]
name = "alice"
key_sha256 = "abc"
budget_usd_day = -1

[[keys]]
name = "alice"
key = "sk-secret-CANARY"
requests_per_minute = 0
colour = "blue"

[[keys]]
name = "dave"
key_env = "DAVE_KEY"

[[keys]]
name = "erin"
key = "sk-secret-CANARY"
key_env = "X"`,
      { SLUICE_DATABASE_URL: "mysql://nope", SLUICE_REDIS_URL: "http://x" },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.errors.join("\n");
    expect(text).toContain("keys.0.key_sha256");
    expect(text).toContain("64 hex digits");
    expect(text).toContain("keys.0.budget_usd_day");
    expect(text).toContain("keys.1.requests_per_minute");
    expect(text).toContain("colour");
    expect(text).toContain("SLUICE_DATABASE_URL");
    expect(text).toContain("SLUICE_REDIS_URL");
    expect(text).not.toContain("CANARY");
    expect(text).not.toContain("mysql://nope");
  });

  test("names and keys must be unique, key_env must be set, exactly one key source", () => {
    const r = load(
      `[[keys]]
name = "alice"
key = "k1"

[[keys]]
name = "alice"
key = "k2"

[[keys]]
name = "bob"
key = "k1"

[[keys]]
name = "ci"
key_env = "MISSING_KEY"

[[keys]]
name = "none"`,
      { SLUICE_API_KEYS: "ci=sk-ci" },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.errors.join("\n");
    expect(text).toContain('keys[1].name: "alice" is already used by keys[0]');
    expect(text).toContain("keys[2]: same key as keys[0]");
    expect(text).toContain('keys[3].name: "ci" is already used by SLUICE_API_KEYS');
    expect(text).toContain("keys[3].key_env: MISSING_KEY is not set");
    expect(text).toContain("keys[4]: give exactly one of key_sha256, key_env or key");
  });

  test("the ledger settings: default SQLite in the working directory, postgres, off", () => {
    const d = loadConfig({ env: {}, defaultFiles: [] });
    if (!d.ok) throw new Error(d.errors.join());
    expect(d.config.ledger).toEqual({ kind: "sqlite", path: "sluice.db" });
    expect(d.config.ledgerRetentionDays).toBe(90);
    expect(d.config.redisUrl).toBe("");
    const pg = loadConfig({
      env: {
        SLUICE_DATABASE_URL: "postgres://u:p@db:5432/sluice",
        SLUICE_REDIS_URL: "redis://127.0.0.1:6379",
      },
      defaultFiles: [],
    });
    if (!pg.ok) throw new Error(pg.errors.join());
    expect(pg.config.ledger).toEqual({ kind: "postgres", url: "postgres://u:p@db:5432/sluice" });
    const off = loadConfig({ env: { SLUICE_DATABASE_URL: "off" }, defaultFiles: [] });
    expect(off.ok && off.config.ledger.kind).toBe("off");
  });
});
