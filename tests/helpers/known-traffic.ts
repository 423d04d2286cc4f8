// A fixed sequence of requests through sluice, sent one after another, and what the client saw
// of each (status, bytes, request id, usage read from the very bytes it received). The metrics
// tests derive every expected number from this record, never from sluice's own exchanges.
import { createPricing } from "../../src/metrics/pricing.ts";
import { createUsageTracker, type Usage, usageFromJson } from "../../src/metrics/usage.ts";
import { SseDecoder } from "../../src/sse/parse.ts";

export const KNOWN_KEYS = "alice=key-alice,bob=key-bob";
export const SESSION_1 = "0d5c7c1e-1111-4a8e-9c1d-1b2e3f4a5b6c";
export const SESSION_2 = "7a1f2b3c-2222-4c3f-8d9e-7f6a5b4c3d2e";
/** The one request that takes at least this long. */
export const SLOW_MS = 300;

export interface Sent {
  id: string;
  status: number;
  upstream: string;
  client: string | undefined;
  session: string | undefined;
  /** Model the response names (else the requested one); undefined when sluice refused it. */
  model: string | undefined;
  bytesIn: number;
  bytesOut: number;
  usage: Usage | undefined;
  costUsd: number | undefined;
  retries: number;
  /** sluice answered itself (no upstream bytes relayed). */
  local: boolean;
}

interface Spec {
  path: string;
  api: "anthropic" | "openai" | "gemini";
  client?: "alice" | "bob";
  session?: string;
  model: string;
  stream?: boolean;
  headers?: Record<string, string>;
  retries?: number;
  local?: boolean;
}

const KEYS = { alice: "key-alice", bob: "key-bob" };

const SPECS: Spec[] = [
  {
    path: "/v1/messages",
    api: "anthropic",
    client: "alice",
    session: SESSION_1,
    model: "claude-sonnet-4-5",
    headers: { "x-mock-cache": "write" },
  },
  {
    path: "/v1/messages",
    api: "anthropic",
    client: "alice",
    session: SESSION_1,
    model: "claude-sonnet-4-5",
    stream: true,
    headers: { "x-mock-cache": "read" },
  },
  { path: "/v1/messages", api: "anthropic", client: "bob", session: SESSION_2, model: "claude-haiku-4-5" },
  { path: "/v1/chat/completions", api: "openai", client: "bob", model: "gpt-4.1-mini", stream: true },
  {
    path: "/v1beta/models/gemini-2.5-flash:generateContent",
    api: "gemini",
    client: "alice",
    model: "gemini-2.5-flash",
  },
  {
    path: "/v1/messages",
    api: "anthropic",
    client: "alice",
    model: "claude-haiku-4-5",
    headers: { "x-mock-status": "400" },
  },
  {
    path: "/v1/messages",
    api: "anthropic",
    client: "bob",
    model: "claude-haiku-4-5",
    retries: 1,
    headers: { "x-mock-status": "529,200" },
  },
  { path: "/v1/messages", api: "anthropic", model: "claude-sonnet-4-5", local: true },
  {
    path: "/v1/messages",
    api: "anthropic",
    client: "bob",
    model: "claude-haiku-4-5",
    stream: true,
    headers: { "x-mock-latency-ms": String(SLOW_MS) },
  },
];

function body(spec: Spec): string {
  const text = "count the secrets in this sentence";
  if (spec.api === "gemini") return JSON.stringify({ contents: [{ role: "user", parts: [{ text }] }] });
  const base = {
    model: spec.model,
    messages: [{ role: "user", content: text }],
    stream: spec.stream === true,
  };
  return JSON.stringify(spec.api === "anthropic" ? { ...base, max_tokens: 200 } : base);
}

/** Usage, model and the like, read from the bytes the client received. */
function readUsage(spec: Spec, contentType: string, bytes: Uint8Array) {
  if (contentType.includes("text/event-stream")) {
    const decoder = new SseDecoder();
    const tracker = createUsageTracker(spec.api);
    for (const ev of [...decoder.push(bytes), ...decoder.finish()]) tracker.onEvent(ev);
    return tracker.result();
  }
  try {
    return usageFromJson(spec.api, JSON.parse(new TextDecoder().decode(bytes)));
  } catch {
    return {};
  }
}

/** Sends the sequence through sluice at `url`, one request at a time. */
export async function sendKnownTraffic(url: string): Promise<Sent[]> {
  const pricing = createPricing();
  const sent: Sent[] = [];
  for (const [i, spec] of SPECS.entries()) {
    const payload = body(spec);
    const headers: Record<string, string> = { "content-type": "application/json", ...spec.headers };
    if (spec.api === "anthropic") headers["anthropic-version"] = "2023-06-01";
    if (spec.client) headers["x-api-key"] = KEYS[spec.client];
    if (spec.session) headers["x-claude-code-session-id"] = spec.session;
    if (spec.retries) headers["x-mock-key"] = `known-${i}-${Date.now()}`;
    const r = await fetch(`${url}${spec.path}`, { method: "POST", headers, body: payload });
    const bytes = new Uint8Array(await r.arrayBuffer());
    const read = spec.local ? {} : readUsage(spec, r.headers.get("content-type") ?? "", bytes);
    const model = spec.local ? undefined : (read.model ?? spec.model);
    sent.push({
      id: r.headers.get("x-sluice-request-id") ?? "",
      status: r.status,
      upstream: spec.api,
      client: spec.client,
      session: spec.session,
      model,
      // sluice refuses a keyless request before reading its body.
      bytesIn: spec.local ? 0 : Buffer.byteLength(payload),
      bytesOut: spec.local ? 0 : bytes.byteLength,
      usage: read.usage,
      costUsd: read.usage ? pricing.costFor(model, read.usage) : undefined,
      retries: spec.retries ?? 0,
      local: spec.local === true,
    });
  }
  return sent;
}
