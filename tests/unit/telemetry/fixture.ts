// A finished exchange as the proxy would hand it to telemetry, for the pure mapping tests.
import type { Exchange } from "../../../src/proxy/exchange.ts";

export function finishedExchange(over: Partial<Exchange> = {}): Exchange {
  return {
    id: "req-1",
    startedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 0),
    t0: 0,
    method: "POST",
    path: "/v1/messages",
    api: "anthropic",
    upstream: "anthropic",
    client: "alice",
    sessionId: "session-7",
    requestModel: "claude-sonnet-4-5",
    model: "claude-sonnet-4-5-20250929",
    stream: true,
    usage: {
      inputTokens: 100,
      outputTokens: 50,
      cacheWriteTokens: 20,
      cacheReadTokens: 300,
      reasoningTokens: 10,
    },
    costUsd: 0.0012,
    stopReason: "end_turn",
    status: 200,
    outcome: "ok",
    bytesIn: 120,
    bytesOut: 900,
    durationMs: 1500,
    ttfbMs: 250,
    retries: 1,
    ...over,
  };
}

export const bytes = (v: unknown) => new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v));
