// When a route's own provider cannot answer and a fallback does, the span says so: the
// fallback's name, model, host and port, and the request it sent carries the trace context.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { tempDir } from "../e2e/helpers.ts";
import { type OtlpReceiver, otelEnv, spanOf, startOtlpReceiver } from "../helpers/otlp-receiver.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

let mock: MockServer;
let rx: OtlpReceiver;
let sluice: TestSluice;
beforeAll(async () => {
  mock = startMockUpstream({ port: 0 });
  rx = startOtlpReceiver();
  const file = join(tempDir("otel-fallback"), "sluice.toml");
  writeFileSync(
    file,
    `
[providers.down]
format = "openai"
base_url = "http://127.0.0.1:1/v1"

[providers.local]
preset = "ollama"
base_url = "${mock.url}/v1"

[[routes]]
match = "claude-haiku-*"
provider = "down"
model = "never-answers"
fallback = ["local:qwen3-coder"]
`,
  );
  sluice = await startSluice({
    SLUICE_CONFIG: file,
    SLUICE_RETRY_MAX: "0",
    SLUICE_ANTHROPIC_BASE_URL: mock.url,
    ...otelEnv(rx),
  });
});
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
  await rx.stop();
});

test("a fallback that answered is on the span, and its request carries sluice's span", async () => {
  const r = await fetch(`${sluice.url}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": "k", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({
      model: "claude-haiku-4-5",
      max_tokens: 32,
      messages: [{ role: "user", content: "hi" }],
    }),
  });
  expect(r.status).toBe(200);
  expect(r.headers.get("x-sluice-fallback")).toBe("local");
  await r.text();
  await sluice.flushTelemetry();
  const s = spanOf(rx, r.headers.get("x-sluice-request-id")!);
  expect(s.name).toBe("chat qwen3-coder");
  expect(s.attributes).toMatchObject({
    "sluice.fallback": "local",
    "sluice.upstream": "local",
    "gen_ai.provider.name": "ollama",
    "gen_ai.request.model": "qwen3-coder",
    "server.port": mock.port,
  });
  expect(mock.requests.at(-1)!.headers.traceparent).toBe(`00-${s.traceId}-${s.spanId}-01`);
});
