// GET /v1/models for Anthropic clients when Anthropic's own list cannot be had (the upstream
// is down, or refuses the key) and when a literal route repeats a name Anthropic lists.
// Written from the survivors of `make mutate MODULE=routing` (routing/models.ts).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ANTHROPIC_MODELS } from "../../src/mock-upstream/anthropic.ts";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { tempDir } from "../e2e/helpers.ts";
import { deadUrl } from "../helpers/fake-langfuse.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

let mock: MockServer;
const started: TestSluice[] = [];

/** Two literal routes (one repeating an Anthropic name) and a glob, to a backend on the mock. */
function routes(): string {
  const file = join(tempDir("models-list"), "sluice.toml");
  writeFileSync(
    file,
    `[providers.local]\npreset = "vllm"\nbase_url = "${mock.url}/v1"\n\n` +
      `[[routes]]\nmatch = "local-coder"\nprovider = "local"\n\n` +
      `[[routes]]\nmatch = "claude-haiku-4-5"\nprovider = "local"\n\n` +
      `[[routes]]\nmatch = "qwen-*"\nprovider = "local"\n`,
  );
  return file;
}

async function models(env: Record<string, string>, headers: Record<string, string> = {}) {
  const sluice = await startSluice({ SLUICE_CONFIG: routes(), ...env });
  started.push(sluice);
  const r = await fetch(`${sluice.url}/v1/models`, {
    headers: { "anthropic-version": "2023-06-01", ...headers },
  });
  expect(r.status).toBe(200);
  return (await r.json()) as {
    data: { id: string; display_name: string; type: string }[];
    has_more: boolean;
    first_id: string | null;
    last_id: string | null;
  };
}

const routedOnly = {
  data: [
    {
      type: "model",
      id: "local-coder",
      display_name: "local-coder (via local)",
      created_at: "2025-01-01T00:00:00Z",
    },
    {
      type: "model",
      id: "claude-haiku-4-5",
      display_name: "claude-haiku-4-5 (via local)",
      created_at: "2025-01-01T00:00:00Z",
    },
  ],
  has_more: false,
  first_id: "local-coder",
  last_id: "claude-haiku-4-5",
};

beforeAll(() => {
  mock = startMockUpstream({ port: 0 });
});
afterAll(async () => {
  for (const s of started) await s.stop();
  await mock.stop();
});

describe("GET /v1/models", () => {
  test("with Anthropic unreachable, the literal routed names alone are listed", async () => {
    expect(await models({ SLUICE_ANTHROPIC_BASE_URL: await deadUrl() })).toEqual(routedOnly);
  });

  test("with Anthropic refusing the key, the literal routed names alone are listed", async () => {
    const list = await models({ SLUICE_ANTHROPIC_BASE_URL: mock.url }, { "x-mock-status": "401" });
    expect(list).toEqual(routedOnly);
  });

  test("a route named like one of Anthropic's models is listed once, as Anthropic's", async () => {
    const list = await models({ SLUICE_ANTHROPIC_BASE_URL: mock.url });
    expect(list.data.map((m) => m.id)).toEqual([...ANTHROPIC_MODELS.map((m) => m.id), "local-coder"]);
    expect(list.data.find((m) => m.id === "claude-haiku-4-5")?.display_name).toBe("Claude Haiku 4.5 (mock)");
    expect(list.first_id).toBe(ANTHROPIC_MODELS[0]!.id);
    expect(list.last_id).toBe("local-coder");
    expect(list.has_more).toBe(false);
  });
});
