// A call a route's fallback answered is traced as the fallback's: its model and provider, the
// body as the fallback got it (translated), the fallback named in metadata and tags.
import { afterAll, beforeAll, expect, test } from "bun:test";
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
  const file = join(tempDir("langfuse-fallback"), "sluice.toml");
  writeFileSync(
    file,
    `[providers.local]
preset = "vllm"
base_url = "${mock.url}/v1"

[[routes]]
match = "*"
provider = "anthropic"
fallback = ["local:qwen3-coder"]
`,
  );
  sluice = await startSluice({
    SLUICE_CONFIG: file,
    SLUICE_ANTHROPIC_BASE_URL: mock.url,
    SLUICE_RETRY_MAX: "0",
    ...langfuseEnv(lf),
  });
});
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
  await lf.stop();
});

test("the trace names the fallback that answered, with the body it got", async () => {
  const r = await fetch(`${sluice.url}/v1/messages`, {
    method: "POST",
    // The mock's Anthropic side is overloaded for this call; the translated fallback carries no x-mock-*.
    headers: { "x-api-key": "sk-ant-client", "x-mock-status": "529" },
    body: JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 64,
      messages: [{ role: "user", content: "fall" }],
    }),
  });
  expect(r.headers.get("x-sluice-fallback")).toBe("local");
  await r.text();
  await sluice.flushTelemetry();
  const { trace, generation } = tracedAs(lf, r.headers.get("x-sluice-request-id")!);
  expect(trace.tags).toEqual(["anthropic", "local", "fallback"]);
  expect(generation).toMatchObject({
    model: "qwen3-coder",
    metadata: { fallback: "local", routed_to: "local", requested_model: "claude-sonnet-4-5" },
  });
  expect(JSON.stringify(generation.input)).toContain('"model":"qwen3-coder"');
});
