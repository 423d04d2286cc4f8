// A routed model (Anthropic client, OpenAI-compatible backend) is traced like any call: the
// backend's model and provider, the requested model in metadata, the translated request as
// input (what was really forwarded) and the answer in the client's format as output.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { tempDir } from "../e2e/helpers.ts";
import { type FakeLangfuse, langfuseEnv, startFakeLangfuse, tracedAs } from "../helpers/fake-langfuse.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

let mock: MockServer;
let lf: FakeLangfuse;
let sluice: TestSluice;
beforeAll(async () => {
  mock = startMockUpstream({ port: 0 });
  lf = startFakeLangfuse();
  const file = join(tempDir("langfuse-routes"), "sluice.toml");
  writeFileSync(
    file,
    `
[providers.local]
preset = "vllm"
base_url = "${mock.url}/v1"
api_key_env = "LOCAL_PROVIDER_KEY"

[[routes]]
match = "claude-haiku-*"
provider = "local"
model = "qwen2.5-coder:7b"
`,
  );
  sluice = await startSluice({
    SLUICE_CONFIG: file,
    SLUICE_ANTHROPIC_BASE_URL: mock.url,
    LOCAL_PROVIDER_KEY: "sk-local-provider-key-123",
    ...langfuseEnv(lf),
  });
});
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
  await lf.stop();
});

async function call(stream: boolean) {
  const r = await fetch(`${sluice.url}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": "sk-ant-client", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({
      model: "claude-haiku-4-5",
      max_tokens: 64,
      stream,
      messages: [{ role: "user", content: "route me somewhere" }],
    }),
  });
  const text = await r.text();
  const id = r.headers.get("x-sluice-request-id")!;
  await sluice.flushTelemetry();
  return { text, id, ...tracedAs(lf, id) };
}

describe("translated routes", () => {
  test("a stream: backend model and provider, translated input, Anthropic-format output", async () => {
    const { text, trace, generation } = await call(true);
    let content = "";
    for (const line of text.split("\n")) {
      if (!line.startsWith("data: ")) continue;
      const ev = JSON.parse(line.slice(6));
      if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") content += ev.delta.text;
    }
    expect(content).not.toBe("");
    expect(trace.tags).toEqual(["anthropic", "local"]);
    expect(generation).toMatchObject({
      model: "qwen2.5-coder:7b",
      input: {
        model: "qwen2.5-coder:7b",
        stream: true,
        messages: [{ role: "user", content: "route me somewhere" }],
      },
      output: { role: "assistant", content },
      metadata: {
        routed_to: "local",
        upstream: "local",
        requested_model: "claude-haiku-4-5",
        upstream_model: "qwen2.5-coder:7b",
      },
      level: "DEFAULT",
    });
    expect(generation.usageDetails).toBeDefined();
  });

  test("a whole answer reads the same way", async () => {
    const { text, generation } = await call(false);
    const msg = JSON.parse(text);
    expect(generation).toMatchObject({
      model: "qwen2.5-coder:7b",
      output: { role: "assistant", content: msg.content[0].text },
      metadata: { routed_to: "local", requested_model: "claude-haiku-4-5" },
    });
    expect(lf.raw.join("\n")).not.toContain("sk-local-provider-key-123");
  });
});
