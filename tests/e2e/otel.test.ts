// The headline story, with the compiled binary over real TLS: an instrumented agent (the real
// Anthropic SDK under Node, sending its traceparent) calls sluice; sluice continues the trace,
// passes its own span to the provider (the mock sees it), and exports one GenAI span per call
// over OTLP/HTTP from the single binary to a real receiver; SIGTERM flushes and exits 0.
// `sluice check` reports the collector.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type OtlpReceiver, startOtlpReceiver } from "../helpers/otlp-receiver.ts";
import {
  BIN,
  type Proc,
  requireBinary,
  runNodeClient,
  startMockBinary,
  startSluiceBinary,
} from "./helpers.ts";

const AGENT_TRACE = "5b8efff798038103d269b633813fc60c";
const AGENT_SPAN = "eee19b7ec3c1b174";

let mock: { url: string; proc: Proc };
let rx: OtlpReceiver;
beforeAll(async () => {
  requireBinary();
  mock = await startMockBinary();
  rx = startOtlpReceiver();
});
afterAll(async () => {
  await mock?.proc.stop();
  await rx?.stop();
});

describe("OpenTelemetry from the compiled binary", () => {
  test("an agent's trace continues through sluice to the provider; one span per call; SIGTERM flushes", async () => {
    const sluice = await startSluiceBinary({
      SLUICE_ANTHROPIC_BASE_URL: mock.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
      OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20cGstbGYtZTJlOnNrLWxmLWUyZQ==",
      OTEL_SERVICE_NAME: "team-gateway",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=e2e",
    });
    try {
      const r = (await runNodeClient("anthropic-traced.mjs", {
        ANTHROPIC_BASE_URL: sluice.url,
        ANTHROPIC_API_KEY: "sk-ant-e2e",
        NODE_EXTRA_CA_CERTS: sluice.cert,
        SLUICE_TEST_TRACEPARENT: `00-${AGENT_TRACE}-${AGENT_SPAN}-01`,
      })) as { ids: string[]; stops: string[]; usage: { output_tokens: number }[] };
      sluice.proc.proc.kill("SIGTERM");
      expect(await sluice.proc.proc.exited).toBe(0);
      const spans = await rx.waitForSpans(2);
      expect(spans.map((s) => s.attributes["gen_ai.response.id"]).sort()).toEqual([...r.ids].sort());
      const upstreamSpans = new Set<string>();
      for (const s of spans) {
        expect(s.name).toBe("chat claude-sonnet-4-5");
        expect(s.traceId).toBe(AGENT_TRACE);
        expect(s.parentSpanId).toBe(AGENT_SPAN);
        expect(s.attributes).toMatchObject({
          "gen_ai.operation.name": "chat",
          "gen_ai.provider.name": "anthropic",
          "gen_ai.conversation.id": "e2e-session-1",
          "gen_ai.response.finish_reasons": ["end_turn"],
        });
        expect(s.resource).toMatchObject({
          "service.name": "team-gateway",
          "deployment.environment.name": "e2e",
        });
        upstreamSpans.add(s.spanId);
      }
      const mockLog = (await (await fetch(`${mock.url}/__mock/requests`)).json()) as {
        requests: { path: string; headers: Record<string, string> }[];
      };
      const sent = mockLog.requests
        .filter((q) => q.path === "/v1/messages")
        .map((q) => q.headers.traceparent ?? "")
        .filter((t) => t.includes(AGENT_TRACE));
      expect(sent).toHaveLength(2);
      // The provider sees sluice's spans as parents, never the agent's own span.
      expect(new Set(sent.map((t) => t.split("-")[2]))).toEqual(upstreamSpans);
      expect(rx.requests.every((q) => q.headers.authorization === "Basic cGstbGYtZTJlOnNrLWxmLWUyZQ==")).toBe(
        true,
      );
      expect(sluice.proc.output()).toContain("opentelemetry export on");
    } finally {
      await sluice.proc.stop("SIGKILL");
    }
  }, 60_000);

  test("sluice check reports where spans go, and a collector that is down without failing", () => {
    const up = Bun.spawnSync([BIN, "check", "--no-tls"], {
      env: {
        PATH: process.env.PATH ?? "",
        SLUICE_ANTHROPIC_BASE_URL: mock.url,
        SLUICE_OPENAI_BASE_URL: mock.url,
        SLUICE_GEMINI_BASE_URL: mock.url,
        SLUICE_OTEL_ENDPOINT: rx.url,
        SLUICE_OTEL_HEADERS: "Authorization=Bearer%20otel-secret-1",
      },
    });
    const out = up.stdout.toString();
    expect(out).toContain(`opentelemetry: ${rx.url}/v1/traces reachable`);
    expect(out).not.toContain("otel-secret-1");
    expect(up.exitCode).toBe(0);
    const down = Bun.spawnSync([BIN, "check", "--no-tls"], {
      env: {
        PATH: process.env.PATH ?? "",
        SLUICE_ANTHROPIC_BASE_URL: mock.url,
        SLUICE_OPENAI_BASE_URL: mock.url,
        SLUICE_GEMINI_BASE_URL: mock.url,
        SLUICE_OTEL_ENDPOINT: "http://127.0.0.1:1",
      },
    });
    expect(down.stdout.toString()).toContain("UNREACHABLE (connect failed) (spans will be dropped)");
    expect(down.exitCode).toBe(0);
  });
});
