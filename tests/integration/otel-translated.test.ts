// A routed model (Anthropic client, OpenAI-compatible backend): the span names the backend's
// model and provider and where it runs, keeps the client's model in sluice.requested_model,
// and the backend's request carries the trace context (sluice's span as parent, the client's
// tracestate), though a translated request gets none of the client's other headers.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { tempDir } from "../e2e/helpers.ts";
import { type OtlpReceiver, otelEnv, spanOf, startOtlpReceiver } from "../helpers/otlp-receiver.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

const CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
let mock: MockServer;
let rx: OtlpReceiver;
let sluice: TestSluice;
beforeAll(async () => {
  mock = startMockUpstream({ port: 0 });
  rx = startOtlpReceiver();
  const file = join(tempDir("otel-routes"), "sluice.toml");
  writeFileSync(
    file,
    `
[providers.local]
preset = "vllm"
base_url = "${mock.url}/v1"

[[routes]]
match = "claude-haiku-*"
provider = "local"
model = "qwen2.5-coder:7b"
`,
  );
  sluice = await startSluice({ SLUICE_CONFIG: file, SLUICE_ANTHROPIC_BASE_URL: mock.url, ...otelEnv(rx) });
});
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
  await rx.stop();
});

async function call(stream: boolean) {
  const r = await fetch(`${sluice.url}/v1/messages`, {
    method: "POST",
    headers: {
      "x-api-key": "sk-ant-client",
      "anthropic-version": "2023-06-01",
      traceparent: `00-${CLIENT_TRACE}-00f067aa0ba902b7-01`,
      tracestate: "congo=t61rcWkgMzE",
    },
    body: JSON.stringify({
      model: "claude-haiku-4-5",
      max_tokens: 64,
      stream,
      messages: [{ role: "user", content: "route me somewhere" }],
    }),
  });
  const text = await r.text();
  await sluice.flushTelemetry();
  return { text, span: spanOf(rx, r.headers.get("x-sluice-request-id")!), upstream: mock.requests.at(-1)! };
}

describe("translated route spans", () => {
  for (const stream of [true, false]) {
    test(`${stream ? "a stream" : "a whole answer"}: backend model and provider, trace context to the backend`, async () => {
      const { span, upstream } = await call(stream);
      expect(upstream.path).toBe("/v1/chat/completions");
      expect(span.name).toBe("chat qwen2.5-coder:7b");
      expect(span.attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "vllm",
        "gen_ai.request.model": "qwen2.5-coder:7b",
        "gen_ai.request.max_tokens": 64,
        "gen_ai.usage.output_tokens": expect.any(Number),
        "gen_ai.response.finish_reasons": ["end_turn"],
        "server.address": "127.0.0.1",
        "server.port": mock.port,
        "sluice.upstream": "local",
        "sluice.requested_model": "claude-haiku-4-5",
      });
      // The translated answer names the client's model, so no response model is claimed.
      expect(span.attributes["gen_ai.response.model"]).toBeUndefined();
      expect(span.traceId).toBe(CLIENT_TRACE);
      expect(upstream.headers.traceparent).toBe(`00-${CLIENT_TRACE}-${span.spanId}-01`);
      expect(upstream.headers.tracestate).toBe("congo=t61rcWkgMzE");
      if (stream) expect(span.attributes["gen_ai.request.stream"]).toBe(true);
    });
  }
});
