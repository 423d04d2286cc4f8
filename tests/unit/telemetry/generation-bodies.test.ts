// One finished exchange maps to exactly one trace and one generation: names, session and user,
// times (start, first byte, end), model, parameters, input, output, usage, cost and metadata.
import { describe, expect, test } from "bun:test";
import type { Price } from "../../../src/metrics/pricing.ts";
import { toLangfuseBodies } from "../../../src/telemetry/generation.ts";
import { bytes, finishedExchange } from "./fixture.ts";

const price: Price = { input: 3, output: 15, cacheWrite: 3.75, cacheWrite1h: 6, cacheRead: 0.3 };
const request = {
  model: "claude-sonnet-4-5",
  max_tokens: 1024,
  temperature: 0.2,
  stream: true,
  thinking: { type: "enabled", budget_tokens: 512 },
  messages: [{ role: "user", content: "hi" }],
};
const output = { role: "assistant" as const, content: "hello", thinking: "so" };

describe("trace and generation bodies", () => {
  const ex = finishedExchange();
  const body = bytes(request);
  const { trace, generation } = toLangfuseBodies(
    { ex, body, bodyBytes: body.byteLength, output },
    { price, eventBudget: 900_000 },
  );

  test("the trace carries the request id, session, user, tags and a small metadata", () => {
    expect(trace).toEqual({
      id: "req-1",
      name: "POST /v1/messages",
      timestamp: new Date("2026-01-02T03:04:05.000Z"),
      sessionId: "session-7",
      userId: "alice",
      tags: ["anthropic"],
      metadata: { request_id: "req-1", path: "/v1/messages", upstream: "anthropic", client: "alice" },
    });
  });

  test("the generation carries times, model, parameters, input and output", () => {
    expect(generation.id).toBe("req-1-gen");
    expect(generation.traceId).toBe("req-1");
    expect(generation.startTime).toEqual(new Date("2026-01-02T03:04:05.000Z"));
    expect(generation.completionStartTime).toEqual(new Date("2026-01-02T03:04:05.250Z"));
    expect(generation.endTime).toEqual(new Date("2026-01-02T03:04:06.500Z"));
    expect(generation.model).toBe("claude-sonnet-4-5-20250929");
    expect(generation.modelParameters).toEqual({
      max_tokens: 1024,
      temperature: 0.2,
      thinking: '{"type":"enabled","budget_tokens":512}',
      stream: true,
    });
    expect(generation.input).toEqual(request);
    expect(generation.output).toEqual(output);
    expect(generation.level).toBe("DEFAULT");
    expect(generation.statusMessage).toBeUndefined();
  });

  test("usage splits cache writes, cache reads and reasoning, with a total", () => {
    expect(generation.usageDetails).toEqual({
      input: 100,
      input_cache_creation: 20,
      input_cache_read: 300,
      output: 40,
      output_reasoning: 10,
      total: 470,
    });
  });

  test("cost details price each usage type and sum to the exchange's cost", () => {
    const c = generation.costDetails!;
    expect(c.input).toBeCloseTo(0.0003, 12);
    expect(c.input_cache_creation).toBeCloseTo(0.000075, 12);
    expect(c.input_cache_read).toBeCloseTo(0.00009, 12);
    expect(c.output).toBeCloseTo(0.0006, 12);
    expect(c.output_reasoning).toBeCloseTo(0.00015, 12);
    expect(c.total).toBeCloseTo(0.001215, 12);
  });

  test("metadata names the request, its route, client, retries and outcome", () => {
    expect(generation.metadata).toEqual({
      request_id: "req-1",
      method: "POST",
      path: "/v1/messages",
      api: "anthropic",
      upstream: "anthropic",
      requested_model: "claude-sonnet-4-5",
      client: "alice",
      retries: 1,
      status: 200,
      outcome: "ok",
      stream: true,
      stop_reason: "end_turn",
      ttfb_ms: 250,
      duration_ms: 1500,
      bytes_in: 120,
      bytes_out: 900,
      input_bytes: body.byteLength,
      cost_usd: 0.0012,
    });
  });

  test("a routed call names the backend's model and provider; the request's model stays in metadata", () => {
    const routed = finishedExchange({
      routedTo: "deepseek",
      upstream: "deepseek",
      upstreamModel: "deepseek-chat",
    });
    const { trace: t, generation: g } = toLangfuseBodies(
      { ex: routed, bodyBytes: 0 },
      { eventBudget: 900_000 },
    );
    expect(g.model).toBe("deepseek-chat");
    expect(g.metadata).toMatchObject({
      routed_to: "deepseek",
      upstream_model: "deepseek-chat",
      requested_model: "claude-sonnet-4-5",
    });
    expect(t.tags).toEqual(["anthropic", "deepseek"]);
    expect(g.costDetails).toBeUndefined();
  });

  test("a fallback's answer names the fallback in metadata and tags", () => {
    const fell = finishedExchange({ routedTo: "local", upstream: "local", fallback: "local" });
    const { trace: t, generation: g } = toLangfuseBodies(
      { ex: fell, bodyBytes: 0 },
      { eventBudget: 900_000 },
    );
    expect(g.metadata).toMatchObject({ fallback: "local", routed_to: "local" });
    expect(t.tags).toEqual(["anthropic", "local", "fallback"]);
    const plain = toLangfuseBodies({ ex: finishedExchange({}), bodyBytes: 0 }, { eventBudget: 900_000 });
    expect(plain.generation.metadata.fallback).toBeUndefined();
  });

  test("Gemini paths name traces by endpoint, not by model", () => {
    const gem = finishedExchange({
      api: "gemini",
      path: "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
    });
    const { trace: t } = toLangfuseBodies({ ex: gem, bodyBytes: 0 }, { eventBudget: 900_000 });
    expect(t.name).toBe("POST /v1beta/models/{model}:streamGenerateContent");
  });

  test("without a session, a client name or a first byte those fields are absent", () => {
    const bare = finishedExchange({
      sessionId: undefined,
      client: undefined,
      ttfbMs: undefined,
      usage: undefined,
    });
    const { trace: t, generation: g } = toLangfuseBodies(
      { ex: bare, bodyBytes: 0 },
      { price, eventBudget: 900_000 },
    );
    expect("sessionId" in t || "userId" in t).toBe(false);
    expect("completionStartTime" in g || "usageDetails" in g || "costDetails" in g || "input" in g).toBe(
      false,
    );
  });
});
