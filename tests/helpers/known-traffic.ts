// A fixed sequence of requests through sluice, sent one after another, and what the client saw
// of each (status, bytes, request id). The tokens and dollars each answer should count are
// literals: the mock's usage as it is on the wire for these prompts, priced by hand from the
// providers' published per-million-token list prices. Never sluice's own usage parser or price
// table, so a wrong price or a misread usage field turns the metrics tests red.
import type { Usage } from "../../src/metrics/usage.ts";

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
  /** The usage the answer carries on the wire (undefined: an error, no usage). */
  usage?: Usage;
  /** Its cost in USD, worked out by hand (see the prices below). */
  costUsd?: number;
}

// Published list prices, USD per million tokens (standard tier, short context):
//   claude-sonnet-4-5  input 3, output 15, 5-minute cache write 3.75, cache read 0.30
//   claude-haiku-4-5   input 1, output 5
//   gpt-4.1-mini       input 0.40, output 1.60
//   gemini-2.5-flash   input 0.30, output 2.50
// The mock answers "Mock reply to: count the secrets in this sentence" in 13 output tokens to
// a 10-token prompt; Anthropic's cache knob splits the prompt 5 uncached + 5 cached.
const anthropicUsage = (input: number, cacheWrite: number, cacheRead: number): Usage => ({
  inputTokens: input,
  outputTokens: 13,
  cacheWriteTokens: cacheWrite,
  cacheReadTokens: cacheRead,
  reasoningTokens: 0,
  cacheWrite1hTokens: 0,
});
const plainUsage: Usage = {
  inputTokens: 10,
  outputTokens: 13,
  cacheWriteTokens: 0,
  cacheReadTokens: 0,
  reasoningTokens: 0,
};
/** claude-haiku-4-5, no cache: 10 x 1 + 13 x 5 = 75 per million. */
const HAIKU_COST = 0.000075;

const KEYS = { alice: "key-alice", bob: "key-bob" };

const SPECS: Spec[] = [
  {
    path: "/v1/messages",
    api: "anthropic",
    client: "alice",
    session: SESSION_1,
    model: "claude-sonnet-4-5",
    headers: { "x-mock-cache": "write" },
    usage: anthropicUsage(5, 5, 0),
    // 5 x 3 + 13 x 15 + 5 x 3.75 = 15 + 195 + 18.75 = 228.75 per million
    costUsd: 0.00022875,
  },
  {
    path: "/v1/messages",
    api: "anthropic",
    client: "alice",
    session: SESSION_1,
    model: "claude-sonnet-4-5",
    stream: true,
    headers: { "x-mock-cache": "read" },
    usage: anthropicUsage(5, 0, 5),
    // 5 x 3 + 13 x 15 + 5 x 0.30 = 15 + 195 + 1.5 = 211.5 per million
    costUsd: 0.0002115,
  },
  {
    path: "/v1/messages",
    api: "anthropic",
    client: "bob",
    session: SESSION_2,
    model: "claude-haiku-4-5",
    usage: anthropicUsage(10, 0, 0),
    costUsd: HAIKU_COST,
  },
  {
    path: "/v1/chat/completions",
    api: "openai",
    client: "bob",
    model: "gpt-4.1-mini",
    stream: true,
    usage: plainUsage,
    // 10 x 0.40 + 13 x 1.60 = 4 + 20.8 = 24.8 per million
    costUsd: 0.0000248,
  },
  {
    path: "/v1beta/models/gemini-2.5-flash:generateContent",
    api: "gemini",
    client: "alice",
    model: "gemini-2.5-flash",
    usage: plainUsage,
    // 10 x 0.30 + 13 x 2.50 = 3 + 32.5 = 35.5 per million
    costUsd: 0.0000355,
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
    usage: anthropicUsage(10, 0, 0),
    costUsd: HAIKU_COST,
  },
  { path: "/v1/messages", api: "anthropic", model: "claude-sonnet-4-5", local: true },
  {
    path: "/v1/messages",
    api: "anthropic",
    client: "bob",
    model: "claude-haiku-4-5",
    stream: true,
    headers: { "x-mock-latency-ms": String(SLOW_MS) },
    usage: anthropicUsage(10, 0, 0),
    costUsd: HAIKU_COST,
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

/** Sends the sequence through sluice at `url`, one request at a time. */
export async function sendKnownTraffic(url: string): Promise<Sent[]> {
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
    // The mock names the model it was asked for.
    const model = spec.local ? undefined : spec.model;
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
      usage: spec.usage,
      costUsd: spec.costUsd,
      retries: spec.retries ?? 0,
      local: spec.local === true,
    });
  }
  return sent;
}
