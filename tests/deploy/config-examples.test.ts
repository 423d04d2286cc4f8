// The configuration skeletons that `make install-service` puts in /etc/sluice load without a
// single error, set the TLS files the installer generates, and keep secrets out of the TOML.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { isSecret, SETTING_NAMES } from "../../src/config/schema.ts";
import { ROOT } from "./helpers.ts";

const toml = join(ROOT, "deploy/sluice.toml.example");
const envFile = readFileSync(join(ROOT, "deploy/sluice.env.example"), "utf8");

describe("config skeletons", () => {
  test("sluice.toml.example is a valid configuration with the installer's certificate paths", () => {
    const loaded = loadConfig({ configPath: toml, env: {} });
    if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
    expect(loaded.config.tlsCert).toBe("/etc/sluice/certs/server.crt");
    expect(loaded.config.tlsKey).toBe("/etc/sluice/certs/server.key");
    expect(loaded.sources.shutdown_timeout).toBe("file");
  });

  test("sluice.toml.example sets no secret; sluice.env.example names only real settings", () => {
    const text = readFileSync(toml, "utf8");
    for (const name of SETTING_NAMES.filter(isSecret))
      expect(text).not.toMatch(new RegExp(`^${name}\\s*=`, "m"));
    const names = [...envFile.matchAll(/^#?(SLUICE_[A-Z_]+)=/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(5);
    const known = new Set(SETTING_NAMES.map((n) => `SLUICE_${n.toUpperCase()}`));
    expect(names.filter((n) => !known.has(n))).toEqual([]);
  });

  test("the settings in sluice.env.example parse once uncommented", () => {
    const env: Record<string, string> = {};
    for (const m of envFile.matchAll(/^#?(SLUICE_[A-Z_]+)=(.*)$/gm)) env[m[1]!] = m[2]!;
    // Placeholders: a real HMAC key is 64 hex characters; Langfuse needs both keys or none.
    env.SLUICE_SCRUB_HMAC_KEY = "0".repeat(64);
    const loaded = loadConfig({ configPath: toml, env });
    expect(loaded.ok ? [] : loaded.errors).toEqual([]);
  });
});
