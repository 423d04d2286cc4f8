// Anthropic calls become OpenTelemetry spans by the GenAI conventions, decoded by a real OTLP
// receiver: streamed and whole, with usage including the cache tokens the client saw, the
// answer's id and stop reason, the key name and Claude Code session, cost and time to first
// byte. A client's traceparent is continued and the upstream gets sluice's span as its parent.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { SseDecoder } from "../../src/sse/parse.ts";
import { type OtlpReceiver, otelEnv, spanOf, startOtlpReceiver } from "../helpers/otlp-receiver.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

const KEY = "sk-sluice-alice-0123456789";
const CLIENT_TRACE = "0af7651916cd43dd8448eb211c80319c";
const CLIENT_SPAN = "b7ad6b7169203331";
let mock: MockServer;
let rx: OtlpReceiver;
let sluice: TestSluice;
beforeAll(async () => {
  mock = startMockUpstream({ port: 0 });
  rx = startOtlpReceiver();
  sluice = await startSluice({
    SLUICE_ANTHROPIC_BASE_URL: mock.url,
    SLUICE_API_KEYS: `alice=${KEY}`,
    ...otelEnv(rx),
  });
});
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
  await rx.stop();
});

const body = (stream: boolean) => ({
  model: "claude-sonnet-4-5",
  max_tokens: 256,
  temperature: 0.3,
  top_k: 40,
  stop_sequences: ["\n\nHuman:"],
  stream,
  system: [{ type: "text", text: "You are terse. ".repeat(20), cache_control: { type: "ephemeral" } }],
  messages: [{ role: "user", content: "hello there, how are you" }],
});

async function call(payload: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(`${sluice.url}/v1/messages`, {
    method: "POST",
    headers: {
      "x-api-key": KEY,
      "anthropic-version": "2023-06-01",
      "x-claude-code-session-id": "cc-session-42",
      ...headers,
    },
    body: JSON.stringify(payload),
  });
  const text = await r.text();
  const id = r.headers.get("x-sluice-request-id")!;
  await sluice.flushTelemetry();
  const upstream = mock.requests.at(-1)!;
  return { status: r.status, text, id, upstream };
}

/** The id, stop reason and usage of what the client got. */
function seen(text: string) {
  const d = new SseDecoder();
  let id = "";
  let stop = "";
  let usage: Record<string, number> = {};
  const events = text.startsWith("{")
    ? []
    : [...d.push(new TextEncoder().encode(text)), ...d.finish()].map((e) => JSON.parse(e.data));
  if (events.length === 0) {
    const m = JSON.parse(text);
    return { id: m.id, stop: m.stop_reason, usage: m.usage as Record<string, number> };
  }
  for (const o of events) {
    if (o.type === "message_start") {
      id = o.message.id;
      usage = { ...o.message.usage };
    }
    if (o.type === "message_delta") {
      stop = o.delta.stop_reason;
      usage = { ...usage, ...o.usage };
    }
  }
  return { id, stop, usage };
}

describe("Anthropic spans", () => {
  test("a stream: GenAI attributes, usage with cache writes, session, key name, cost and TTFB", async () => {
    const { text, id, upstream } = await call(body(true), { "x-mock-cache": "write" });
    const s = spanOf(rx, id);
    const client = seen(text);
    const u = client.usage;
    expect(s.name).toBe("chat claude-sonnet-4-5");
    expect(s.kind).toBe(3);
    expect(s.status.code).toBe(0);
    expect(s.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "anthropic",
      "gen_ai.request.model": "claude-sonnet-4-5",
      "gen_ai.response.model": "claude-sonnet-4-5",
      "gen_ai.response.id": client.id,
      "gen_ai.response.finish_reasons": [client.stop],
      "gen_ai.request.stream": true,
      "gen_ai.request.max_tokens": 256,
      "gen_ai.request.temperature": 0.3,
      "gen_ai.request.top_k": 40,
      "gen_ai.request.stop_sequences": ["\n\nHuman:"],
      "gen_ai.conversation.id": "cc-session-42",
      "gen_ai.usage.input_tokens":
        u.input_tokens! + u.cache_creation_input_tokens! + u.cache_read_input_tokens!,
      "gen_ai.usage.output_tokens": u.output_tokens,
      "gen_ai.usage.cache_creation.input_tokens": u.cache_creation_input_tokens,
      "server.address": "127.0.0.1",
      "server.port": mock.port,
      "http.request.method": "POST",
      "http.response.status_code": 200,
      "user.id": "alice",
      "session.id": "cc-session-42",
      "sluice.request_id": id,
      "sluice.key_name": "alice",
      "sluice.upstream": "anthropic",
      "sluice.outcome": "ok",
    });
    expect(u.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(s.attributes["sluice.cost_usd"]).toBeGreaterThan(0);
    expect(s.attributes["sluice.ttfb_ms"]).toBeGreaterThan(0);
    expect(s.attributes["gen_ai.response.time_to_first_chunk"]).toBeCloseTo(
      (s.attributes["sluice.ttfb_ms"] as number) / 1000,
      3,
    );
    // Without content capture, no prompt or answer text.
    expect(s.attributes["gen_ai.input.messages"]).toBeUndefined();
    expect(s.attributes["gen_ai.output.messages"]).toBeUndefined();
    // A new trace: sluice's span is the root, and the upstream sees it as its parent.
    expect(s.parentSpanId).toBeUndefined();
    expect(upstream.headers.traceparent).toBe(`00-${s.traceId}-${s.spanId}-01`);
    expect(s.endNs).toBeGreaterThan(s.startNs);
    expect(s.resource["service.name"]).toBe("sluice");
    expect(s.scope.schemaUrl).toBe("https://opentelemetry.io/schemas/1.41.0");
  });

  test("a whole answer: cache reads, no stream attributes", async () => {
    const { text, id } = await call(body(false), { "x-mock-cache": "read" });
    const s = spanOf(rx, id);
    const client = seen(text);
    expect(client.usage.cache_read_input_tokens).toBeGreaterThan(0);
    expect(s.attributes).toMatchObject({
      "gen_ai.response.id": client.id,
      "gen_ai.response.finish_reasons": [client.stop],
      "gen_ai.usage.cache_read.input_tokens": client.usage.cache_read_input_tokens,
      "gen_ai.usage.output_tokens": client.usage.output_tokens,
    });
    expect(s.attributes["gen_ai.request.stream"]).toBeUndefined();
    expect(s.attributes["gen_ai.response.time_to_first_chunk"]).toBeUndefined();
  });

  test("an incoming traceparent is continued, and the upstream's parent is sluice's span", async () => {
    const { id, upstream } = await call(body(true), {
      traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`,
      tracestate: "vendor=abc",
    });
    const s = spanOf(rx, id);
    expect(s.traceId).toBe(CLIENT_TRACE);
    expect(s.parentSpanId).toBe(CLIENT_SPAN);
    expect(s.spanId).not.toBe(CLIENT_SPAN);
    // Span.flags: sampled, and the parent is remote (has-is-remote and is-remote bits).
    expect(s.flags).toBe(0x301);
    expect(upstream.headers.traceparent).toBe(`00-${CLIENT_TRACE}-${s.spanId}-01`);
    expect(upstream.headers.tracestate).toBe("vendor=abc");
  });

  test("a parent that did not sample is propagated but not exported", async () => {
    const before = rx.requests.length;
    const r = await fetch(`${sluice.url}/v1/messages`, {
      method: "POST",
      headers: {
        "x-api-key": KEY,
        "anthropic-version": "2023-06-01",
        traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-00`,
      },
      body: JSON.stringify(body(false)),
    });
    const id = r.headers.get("x-sluice-request-id")!;
    await r.text();
    await sluice.flushTelemetry();
    expect(rx.requests.length).toBe(before);
    expect(rx.spans.find((s) => s.attributes["sluice.request_id"] === id)).toBeUndefined();
    const sent = mock.requests.at(-1)!.headers.traceparent!;
    expect(sent).toMatch(new RegExp(`^00-${CLIENT_TRACE}-[0-9a-f]{16}-00$`));
    expect(sent).not.toContain(CLIENT_SPAN);
  });

  test("a malformed traceparent starts a new trace instead of failing", async () => {
    const { status, id, upstream } = await call(body(false), {
      traceparent: `00-${CLIENT_TRACE.toUpperCase()}-${CLIENT_SPAN}-01`,
    });
    expect(status).toBe(200);
    const s = spanOf(rx, id);
    expect(s.traceId).not.toBe(CLIENT_TRACE);
    expect(s.parentSpanId).toBeUndefined();
    expect(upstream.headers.traceparent).toBe(`00-${s.traceId}-${s.spanId}-01`);
  });

  test("count_tokens is a plain span, not an inference", async () => {
    const r = await fetch(`${sluice.url}/v1/messages/count_tokens`, {
      method: "POST",
      headers: { "x-api-key": KEY, "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "hi" }] }),
    });
    await r.text();
    await sluice.flushTelemetry();
    const s = spanOf(rx, r.headers.get("x-sluice-request-id")!);
    expect(s.name).toBe("POST /v1/messages/count_tokens");
    expect(s.attributes["gen_ai.operation.name"]).toBeUndefined();
    expect(s.attributes["http.response.status_code"]).toBe(200);
  });

  test("calls that did not pass the key gate are not exported: refusals and the lockout's 429", async () => {
    const before = rx.spans.length;
    const statuses: number[] = [];
    // The gate locks an address out after 10 wrong keys; the 11th is refused with 429.
    for (let i = 0; i < 11; i++) {
      const r = await fetch(`${sluice.url}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": `wrong-${i}`, "anthropic-version": "2023-06-01" },
        body: JSON.stringify(body(false)),
      });
      await r.text();
      statuses.push(r.status);
    }
    expect(statuses.at(0)).toBe(401);
    expect(statuses.at(-1)).toBe(429);
    await sluice.flushTelemetry();
    expect(rx.spans.length).toBe(before);
  });
});
