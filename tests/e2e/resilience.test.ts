// The resilience story through the compiled binary over real TLS, with the real Anthropic SDK
// under Node: Anthropic with two keys, falling back to OpenRouter, then to a local model (the
// README's worked example). The built-in mock upstream plays all three; its fault table
// rate-limits the first Anthropic key, overloads the second and OpenRouter, so the local model
// answers — once as JSON, once streamed — and the answer says so. Then the same for the real
// OpenAI SDK through an `api = "openai"` route: sluice's OpenAI key overloaded, the local model
// answers, and no key of the client's reaches it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setMockFaults } from "../helpers/upstream.ts";
import {
  type Proc,
  requireBinary,
  runNodeClient,
  type SluiceBinary,
  startMockBinary,
  startSluiceBinary,
  tempDir,
} from "./helpers.ts";

let mock: { url: string; proc: Proc };
let sluice: SluiceBinary;

beforeAll(async () => {
  requireBinary();
  mock = await startMockBinary();
  const file = join(tempDir("resilience-e2e"), "sluice.toml");
  writeFileSync(
    file,
    `anthropic_base_url = "${mock.url}"
openai_base_url = "${mock.url}"
retry_max = 1

[providers.openrouter]
preset = "openrouter"
base_url = "${mock.url}/v1"
api_key_env = "OPENROUTER_API_KEY"

[providers.local]
preset = "ollama"
base_url = "${mock.url}/v1"

[[routes]]
match = "claude-*"
provider = "anthropic"
fallback = ["openrouter:anthropic/claude-sonnet-4.5", "local:qwen3-coder"]

[[routes]]
api = "openai"
match = "gpt-*"
provider = "openai"
fallback = ["local:qwen3-coder"]
`,
  );
  sluice = await startSluiceBinary(
    {
      SLUICE_CONFIG: file,
      SLUICE_ANTHROPIC_API_KEY: "sk-ant-first,sk-ant-second",
      SLUICE_OPENAI_API_KEY: "sk-oa-team",
      OPENROUTER_API_KEY: "sk-or-team",
    },
    { admin: true },
  );
});
afterAll(async () => {
  await sluice?.proc.stop();
  await mock?.proc.stop();
});

interface Recorded {
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
}
const recorded = async (): Promise<Recorded[]> =>
  ((await (await fetch(`${mock.url}/__mock/requests`)).json()) as { requests: Recorded[] }).requests;
const who = (q: Recorded) => q.headers["x-api-key"] ?? q.headers.authorization ?? "(no key)";

describe("compiled binary: key pool, then OpenRouter, then a local model", () => {
  test("the SDK gets its answer from the local model, streamed and not, and is told so", async () => {
    const faults = [
      { key: "sk-ant-first", status: 429, retryAfter: "120" },
      { key: "sk-ant-second", status: 529 },
      { key: "sk-or-team", status: 503 },
    ];
    const set = await setMockFaults(mock.url, faults);
    expect(set.status).toBe(200);

    const r = (await runNodeClient("fallback.mjs", {
      ANTHROPIC_BASE_URL: sluice.url,
      ANTHROPIC_API_KEY: "sk-ant-client",
      NODE_EXTRA_CA_CERTS: sluice.cert,
    })) as Record<string, unknown>;
    expect(r.text).toStartWith("Mock reply to: Say hello through the fallbacks");
    expect(r.model).toBe("claude-sonnet-4-5");
    expect(r.fallback).toBe("local");
    expect(r.streamedText).toBe(r.text);
    expect(r.stopReason).toBe("end_turn");
    expect(r.streamFallback).toBe("local");

    const calls = (await recorded()).map((q) => `${q.path} ${who(q)} ${q.status}`);
    // First call: the rate-limited key rests, the other is overloaded (and retried), OpenRouter
    // too, the local model answers. Second call: the resting key is not even tried.
    const once = [
      "/v1/messages sk-ant-second 529",
      "/v1/messages sk-ant-second 529",
      "/v1/chat/completions Bearer sk-or-team 503",
      "/v1/chat/completions Bearer sk-or-team 503",
      "/v1/chat/completions (no key) 200",
    ];
    expect(calls).toEqual(["/v1/messages sk-ant-first 429", ...once, ...once]);
    const chats = (await recorded()).filter((q) => q.path === "/v1/chat/completions");
    expect(chats.map((q) => JSON.parse(q.body).model)).toEqual([
      "anthropic/claude-sonnet-4.5",
      "anthropic/claude-sonnet-4.5",
      "qwen3-coder",
      "anthropic/claude-sonnet-4.5",
      "anthropic/claude-sonnet-4.5",
      "qwen3-coder",
    ]);
    expect(JSON.stringify(await recorded())).not.toContain("sk-ant-client");

    const health = await (await sluice.fetch("/health")).json();
    expect(health.targets.anthropic).toMatchObject({ keys: 2, out: [], state: "closed", failures: 2 });
    expect(health.targets.anthropic.resting).toHaveLength(1);
    expect(health.targets.anthropic.resting[0].key).toMatch(/^sha256:[0-9a-f]{8}$/);
    expect(JSON.stringify(health)).not.toContain("sk-ant-");

    const prom = await (await fetch(`${sluice.adminUrl}/metrics/prometheus`)).text();
    expect(prom).toContain('sluice_fallbacks_total{provider="local"} 2');
    const log = sluice.proc.output();
    expect(log).toContain('"fallback":"local"');
    expect(log).toContain("upstream rate-limited a key; it rests");
    expect(log).not.toContain("sk-ant-first");
    expect(log).not.toContain("sk-or-team");
  }, 60_000);

  test("once Anthropic answers again, it answers itself: no fallback", async () => {
    await fetch(`${mock.url}/__mock/reset`, { method: "POST" });
    const r = (await runNodeClient("fallback.mjs", {
      ANTHROPIC_BASE_URL: sluice.url,
      ANTHROPIC_API_KEY: "sk-ant-client",
      NODE_EXTRA_CA_CERTS: sluice.cert,
    })) as Record<string, unknown>;
    expect(r.fallback).toBeNull();
    expect(r.streamFallback).toBeNull();
    const calls = (await recorded()).map((q) => `${q.path} ${who(q)}`);
    // The first key still rests; the second takes both calls.
    expect(calls).toEqual(["/v1/messages sk-ant-second", "/v1/messages sk-ant-second"]);
  }, 60_000);

  test("an OpenAI client's route: OpenAI overloaded, the local model answers, JSON and streamed", async () => {
    await fetch(`${mock.url}/__mock/reset`, { method: "POST" });
    expect((await setMockFaults(mock.url, [{ key: "sk-oa-team", status: 503 }])).status).toBe(200);
    const r = (await runNodeClient("openai-fallback.mjs", {
      OPENAI_BASE_URL: `${sluice.url}/v1`,
      OPENAI_API_KEY: "sk-client-openai",
      NODE_EXTRA_CA_CERTS: sluice.cert,
    })) as Record<string, unknown>;
    expect(r.text).toStartWith("Mock reply to: Say hello through the chat fallbacks");
    expect(r.fallback).toBe("local");
    expect(r.streamed).toBe(r.text);
    expect(r.streamFallback).toBe("local");
    expect(r.streamUsage).toMatchObject({ completion_tokens: expect.any(Number) });
    const calls = (await recorded()).map(
      (q) => `${q.path} ${who(q)} ${q.status} ${JSON.parse(q.body).model}`,
    );
    const once = [
      "/v1/chat/completions Bearer sk-oa-team 503 gpt-4.1",
      "/v1/chat/completions Bearer sk-oa-team 503 gpt-4.1",
      "/v1/chat/completions (no key) 200 qwen3-coder",
    ];
    expect(calls).toEqual([...once, ...once]);
    expect(JSON.stringify(await recorded())).not.toContain("sk-client-openai");
  }, 60_000);
});
