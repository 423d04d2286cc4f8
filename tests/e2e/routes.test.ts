// A routed model through the compiled binary over TLS: the real Anthropic SDK (under Node, as
// users run it) asks for "local-coder", sluice translates to Chat Completions for the mock's
// OpenAI side and back — JSON, stream, local count_tokens, /v1/models and a tool call.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
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
  const file = join(tempDir("routes-e2e"), "sluice.toml");
  writeFileSync(
    file,
    `anthropic_base_url = "${mock.url}"

[providers.local]
preset = "vllm"
base_url = "${mock.url}/v1"
api_key_env = "LOCAL_KEY"

[[routes]]
match = "local-coder"
provider = "local"
model = "qwen2.5-coder:7b"
max_tokens = 128
`,
  );
  sluice = await startSluiceBinary({ SLUICE_CONFIG: file, LOCAL_KEY: "sk-local-backend" });
});
afterAll(async () => {
  await sluice?.proc.stop();
  await mock?.proc.stop();
});

interface Recorded {
  path: string;
  headers: Record<string, string>;
  body: string;
}
const recorded = async (): Promise<Recorded[]> =>
  ((await (await fetch(`${mock.url}/__mock/requests`)).json()) as { requests: Recorded[] }).requests;

describe("compiled binary: a routed model", () => {
  test("the Anthropic SDK gets Anthropic answers from an OpenAI-format backend", async () => {
    const r = (await runNodeClient("anthropic.mjs", {
      ANTHROPIC_BASE_URL: sluice.url,
      ANTHROPIC_API_KEY: "sk-ant-client",
      NODE_EXTRA_CA_CERTS: sluice.cert,
      SLUICE_TEST_MODEL: "local-coder",
    })) as Record<string, unknown>;
    expect(r.text).toStartWith("Mock reply to: Say hello through sluice");
    expect(r.streamedText).toBe(r.text);
    expect(r.finalText).toBe(r.text);
    expect(r.countTokens).toBeGreaterThan(0);
    expect(r.models as string[]).toContain("local-coder");
    expect(r.toolUse).toMatchObject({ type: "tool_use", name: "get_weather", input: { city: "mock" } });
    expect(r.stopReason).toBe("tool_use");

    const all = await recorded();
    const chats = all.filter((q) => q.path === "/v1/chat/completions");
    // create, stream and the tool call went to the backend; count_tokens was answered locally:
    // the mock's Anthropic side never saw it (it would have answered it too).
    expect(chats).toHaveLength(3);
    expect(all.filter((q) => q.path.startsWith("/v1/messages"))).toEqual([]);
    for (const q of chats) {
      const body = JSON.parse(q.body);
      expect(body.model).toBe("qwen2.5-coder:7b");
      expect(body.max_tokens).toBe(128);
      expect(q.headers.authorization).toBe("Bearer sk-local-backend");
      expect(JSON.stringify(q.headers)).not.toContain("sk-ant-client");
    }
    expect(JSON.parse(chats[1]!.body).stream_options).toEqual({ include_usage: true });
  }, 30_000);
});
