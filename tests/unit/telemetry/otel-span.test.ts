// A finished exchange as a span: the GenAI name and attributes, input tokens counted with the
// cache, breakdowns only when non-zero, routed calls naming the backend, errors with a status
// and error.type, remote-parent flags, nanosecond times, and content only when captured.
import { describe, expect, test } from "bun:test";
import type { AnyValue } from "../../../src/telemetry/otel-proto.ts";
import { epochNs, type SpanRecord, toSpanData } from "../../../src/telemetry/otel-span.ts";
import { finishedExchange } from "./fixture.ts";

const ctx = {
  traceId: "0af7651916cd43dd8448eb211c80319c",
  spanId: "b7ad6b7169203331",
  flags: 1,
  sampled: true,
};
const rec = (over: Partial<SpanRecord> = {}): SpanRecord => ({
  ex: finishedExchange(),
  ctx,
  provider: "anthropic",
  server: { address: "api.anthropic.com", port: 443 },
  ...over,
});
const plain = (v: AnyValue) => ("s" in v ? v.s : "i" in v ? v.i : "d" in v ? v.d : "b" in v ? v.b : v.a);
const attrs = (r: SpanRecord) =>
  Object.fromEntries(toSpanData(r, 1_700_000_000_000).attributes.map((kv) => [kv.key, plain(kv.value)]));

describe("toSpanData", () => {
  test("an inference call: name, GenAI attributes and sluice's own", () => {
    const span = toSpanData(rec(), 1_700_000_000_000);
    expect(span.name).toBe("chat claude-sonnet-4-5");
    expect(span.kind).toBe(3);
    expect(span.status).toEqual({ code: 0 });
    expect(attrs(rec())).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "anthropic",
      "gen_ai.request.model": "claude-sonnet-4-5",
      "gen_ai.response.model": "claude-sonnet-4-5-20250929",
      "gen_ai.response.finish_reasons": ["end_turn"],
      "gen_ai.request.stream": true,
      "gen_ai.conversation.id": "session-7",
      "gen_ai.usage.input_tokens": 420,
      "gen_ai.usage.output_tokens": 50,
      "gen_ai.usage.cache_read.input_tokens": 300,
      "gen_ai.usage.cache_creation.input_tokens": 20,
      "gen_ai.usage.reasoning.output_tokens": 10,
      "gen_ai.response.time_to_first_chunk": 0.25,
      "server.address": "api.anthropic.com",
      "server.port": 443,
      "http.request.method": "POST",
      "http.response.status_code": 200,
      "user.id": "alice",
      "session.id": "session-7",
      "sluice.request_id": "req-1",
      "sluice.upstream": "anthropic",
      "sluice.key_name": "alice",
      "sluice.outcome": "ok",
      "sluice.retries": 1,
      "sluice.cost_usd": 0.0012,
      "sluice.ttfb_ms": 250,
    });
  });

  test("zero breakdowns are left out; settings and scrub hits appear when present", () => {
    const ex = finishedExchange({
      usage: { inputTokens: 5, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      scrubHits: { github_token: 2, aws_key: 1, email: 0 },
      dropped: ["cache_control"],
      stream: false,
      retries: 0,
    });
    const a = attrs(
      rec({ ex, params: { maxTokens: 64, temperature: 0, choiceCount: 1, stopSequences: ["x"] } }),
    );
    expect(a["gen_ai.usage.input_tokens"]).toBe(5);
    for (const k of [
      "gen_ai.usage.cache_read.input_tokens",
      "gen_ai.usage.cache_creation.input_tokens",
      "gen_ai.usage.reasoning.output_tokens",
      "gen_ai.request.stream",
      "gen_ai.response.time_to_first_chunk",
      "gen_ai.request.choice.count",
      "sluice.retries",
    ])
      expect(a[k]).toBeUndefined();
    expect(a).toMatchObject({
      "gen_ai.request.max_tokens": 64,
      "gen_ai.request.temperature": 0,
      "gen_ai.request.stop_sequences": ["x"],
      "sluice.scrub_hits": 3,
      "sluice.scrub_kinds": ["aws_key", "github_token"],
      "sluice.dropped": ["cache_control"],
    });
  });

  test("a fallback that answered is named", () => {
    expect(
      attrs(rec({ ex: finishedExchange({ fallback: "openrouter", upstream: "openrouter" }) })),
    ).toMatchObject({
      "sluice.upstream": "openrouter",
      "sluice.fallback": "openrouter",
    });
    expect(attrs(rec())["sluice.fallback"]).toBeUndefined();
  });

  test("a routed call names the backend's model, keeps the client's, claims no response model", () => {
    const ex = finishedExchange({
      routedTo: "local",
      upstream: "local",
      upstreamModel: "qwen3:8b",
      model: "claude-haiku-4-5",
      requestModel: "claude-haiku-4-5",
    });
    const span = toSpanData(rec({ ex, provider: "ollama" }), 0);
    expect(span.name).toBe("chat qwen3:8b");
    const a = attrs(rec({ ex, provider: "ollama" }));
    expect(a).toMatchObject({
      "gen_ai.request.model": "qwen3:8b",
      "gen_ai.provider.name": "ollama",
      "sluice.requested_model": "claude-haiku-4-5",
      "sluice.upstream": "local",
    });
    expect(a["gen_ai.response.model"]).toBeUndefined();
  });

  test("an error: ERROR status with the reason, error.type, and finish reason error for a cut stream", () => {
    const failed = toSpanData(
      rec({
        ex: finishedExchange({
          status: 504,
          outcome: "error",
          errorKind: "upstream_timeout",
          error: "no answer within 300 s",
          stopReason: undefined,
          usage: undefined,
        }),
      }),
      0,
    );
    expect(failed.status).toEqual({ code: 2, message: "no answer within 300 s" });
    expect(
      attrs(
        rec({ ex: finishedExchange({ status: 504, errorKind: "upstream_timeout", stopReason: undefined }) }),
      ),
    ).toMatchObject({
      "error.type": "upstream_timeout",
    });
    const cut = attrs(rec({ ex: finishedExchange({ outcome: "incomplete", stopReason: undefined }) }));
    expect(cut["gen_ai.response.finish_reasons"]).toEqual(["error"]);
    expect(cut["error.type"]).toBe("incomplete");
  });

  test("not an inference: HTTP-style name, no GenAI attributes", () => {
    const ex = finishedExchange({
      path: "/v1beta/models/gemini-2.5-flash:countTokens",
      api: "gemini",
      usage: undefined,
    });
    const span = toSpanData(rec({ ex }), 0);
    expect(span.name).toBe("POST /v1beta/models/{model}:countTokens");
    expect(Object.keys(attrs(rec({ ex }))).some((k) => k.startsWith("gen_ai."))).toBe(false);
  });

  test("a remote parent sets the is-remote flags; times are nanoseconds from the time origin", () => {
    const child = toSpanData(
      rec({ ctx: { ...ctx, parentSpanId: "00f067aa0ba902b7", flags: 1 } }),
      1_700_000_000_000.5,
    );
    expect(child.parentSpanId).toBe("00f067aa0ba902b7");
    expect(child.flags).toBe(0x301);
    expect(toSpanData(rec(), 0).flags).toBe(0x101);
    expect(child.startNs).toBe(1_700_000_000_000_500_000n);
    expect(child.endNs - child.startNs).toBe(1_500_000_000n);
    expect(epochNs(1_796_412_222_346.074, 0.000219)).toBe(1_796_412_222_346_074_219n);
  });

  test("content attributes only when the record carries them", () => {
    expect(attrs(rec())["gen_ai.input.messages"]).toBeUndefined();
    const a = attrs(rec({ content: { system: "[]", input: "[1]", output: "[2]", cut: true } }));
    expect(a).toMatchObject({
      "gen_ai.system_instructions": "[]",
      "gen_ai.input.messages": "[1]",
      "gen_ai.output.messages": "[2]",
      "sluice.content_truncated": true,
    });
  });
});
