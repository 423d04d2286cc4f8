// Builds a real validated Config for tests from SLUICE_* style overrides, through the same
// loader users go through (no config files are read).
import { loadConfig } from "../../src/config/load.ts";
import type { Config } from "../../src/config/types.ts";

export function testConfig(env: Record<string, string> = {}, toml?: string): Config {
  const r = loadConfig({
    ...(toml !== undefined ? { configPath: "test.toml", readFile: () => toml } : {}),
    env: {
      SLUICE_HOST: "127.0.0.1",
      SLUICE_PORT: "0",
      SLUICE_DASHBOARD_PORT: "0",
      SLUICE_TLS: "off",
      // Tests that want the ledger name a database in a temp directory.
      SLUICE_DATABASE_URL: "off",
      ...env,
    },
    defaultFiles: [],
  });
  if (!r.ok) throw new Error(`test config invalid: ${r.errors.join("; ")}`);
  return r.config;
}

/** A minimal valid Anthropic Messages body (every /v1/messages request is validated). */
export const MSG = JSON.stringify({
  model: "claude-test",
  max_tokens: 16,
  messages: [{ role: "user", content: "hi" }],
});
