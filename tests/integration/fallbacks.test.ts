// Fallbacks: `fallback = ["provider", "provider:model"]` on a route. When the route's own target
// fails before any byte reached the client (5xx after its retries, 429, connect failure,
// timeout), the next entry answers, translated when its format differs, both ways. A 4xx is
// never moved on, nor an answer that started. The answer says x-sluice-fallback. The real
// Anthropic SDK is the client; a fake Anthropic fails on command, the mock upstream plays the
// OpenAI-format backends with its fault table.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { createLogger } from "../../src/log.ts";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { freePort, tempDir } from "../e2e/helpers.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import {
  keyOf,
  type Seen,
  scripted,
  setMockFaults,
  startUpstream,
  type TestUpstream,
} from "../helpers/upstream.ts";

let anthropic: TestUpstream;
let mock: MockServer;
let sluice: TestSluice;
let client: Anthropic;
const lines: string[] = [];
/** What the fake Anthropic answers; each test sets it. */
let primary: (req: Request, seen: Seen) => Response | Promise<Response>;

const ANSWER = { id: "msg_a", type: "message", role: "assistant", model: "claude-sonnet-4-5" };
const anthropicOk = () =>
  Response.json({
    ...ANSWER,
    content: [{ type: "text", text: "from anthropic" }],
    stop_reason: "end_turn",
    usage: { input_tokens: 3, output_tokens: 2 },
  });

beforeAll(async () => {
  anthropic = startUpstream((req, seen) => primary(req, seen));
  mock = startMockUpstream({ port: 0 });
  const closed = await freePort();
  const file = join(tempDir("fallbacks"), "sluice.toml");
  writeFileSync(
    file,
    `anthropic_base_url = "${anthropic.url}"

[providers.openrouter]
preset = "openrouter"
base_url = "${mock.url}/v1"
api_key_env = "OR_KEY"

[providers.local]
preset = "ollama"
base_url = "${mock.url}/v1"

[providers.gone]
preset = "anthropic"
base_url = "http://127.0.0.1:${closed}"

[[routes]]
match = "claude-sonnet-*"
provider = "anthropic"
fallback = ["openrouter:anthropic/claude-sonnet-4.5", "local:qwen3-coder"]

[[routes]]
match = "local-first"
provider = "local"
model = "qwen3-coder"
fallback = ["anthropic:claude-sonnet-4-5"]

[providers.mockant]
preset = "anthropic"
base_url = "${mock.url}"

[[routes]]
match = "mockant-*"
provider = "mockant"
fallback = ["local"]

[[routes]]
match = "gone-*"
provider = "gone"
fallback = ["local"]

[[routes]]
match = "*"
provider = "anthropic"
fallback = ["local:qwen3-coder"]
`,
  );
  sluice = await startSluice(
    { SLUICE_CONFIG: file, SLUICE_RETRY_MAX: "1", SLUICE_READ_TIMEOUT: "1", OR_KEY: "sk-or" },
    { log: createLogger({ level: "info", format: "json", write: (l) => lines.push(l) }), admin: true },
  );
  client = new Anthropic({ baseURL: sluice.url, apiKey: "sk-ant-client", maxRetries: 0 });
});
afterAll(async () => {
  await sluice.stop();
  await anthropic.stop();
  await mock.stop();
});
beforeEach(async () => {
  anthropic.seen.length = 0;
  primary = anthropicOk;
  await fetch(`${mock.url}/__mock/reset`, { method: "POST" });
});

const faults = (list: unknown[]) => setMockFaults(mock.url, list);
const chats = () => mock.requests.filter((q) => q.path === "/v1/chat/completions");
const params = (model = "claude-sonnet-4-5") => ({
  model,
  max_tokens: 64,
  messages: [{ role: "user" as const, content: "hello fallback" }],
});
const lastExchange = async () => (await sluice.waitForExchanges(sluice.exchanges.length)).at(-1)!;

describe("fallbacks", () => {
  test("Anthropic overloaded past its retries: OpenRouter answers, translated, and says so", async () => {
    primary = () => scripted(529);
    const { data, response } = await client.messages.create(params()).withResponse();
    expect(data.content[0]?.type === "text" && data.content[0].text).toStartWith(
      "Mock reply to: hello fallback",
    );
    expect(response.headers.get("x-sluice-fallback")).toBe("openrouter");
    expect(anthropic.seen).toHaveLength(2);
    const [chat] = chats();
    expect(JSON.parse(chat!.body).model).toBe("anthropic/claude-sonnet-4.5");
    expect(chat!.headers.authorization).toBe("Bearer sk-or");
    expect(JSON.stringify(chat!.headers)).not.toContain("sk-ant-client");
    const ex = await lastExchange();
    expect(ex).toMatchObject({ fallback: "openrouter", upstream: "openrouter", status: 200, retries: 2 });
  });

  test("streamed: Anthropic 503, OpenRouter 503, and the local model streams the answer", async () => {
    primary = () => scripted(503);
    await faults([{ key: "sk-or", status: 503 }]);
    const { data: stream, response } = await client.messages
      .create({ ...params(), stream: true })
      .withResponse();
    let text = "";
    for await (const ev of stream) {
      if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") text += ev.delta.text;
    }
    expect(text).toStartWith("Mock reply to: hello fallback");
    expect(response.headers.get("x-sluice-fallback")).toBe("local");
    expect(chats().map((q) => JSON.parse(q.body).model)).toEqual([
      "anthropic/claude-sonnet-4.5",
      "anthropic/claude-sonnet-4.5",
      "qwen3-coder",
    ]);
  });

  test("a 4xx client error is never moved on", async () => {
    primary = () => scripted(400);
    const err = await client.messages.create(params()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(
      (err as InstanceType<typeof Anthropic.BadRequestError>).headers.get("x-sluice-fallback"),
    ).toBeNull();
    expect(chats()).toHaveLength(0);
    expect((await lastExchange()).fallback).toBeUndefined();
  });

  test("an answer that started is never moved on, even when it breaks off", async () => {
    // The mock's Anthropic side streams three events, then cuts the connection.
    const r = await fetch(`${sluice.url}/v1/messages`, {
      method: "POST",
      headers: { "x-mock-reset-after": "3" },
      body: JSON.stringify({ ...params("mockant-model"), stream: true }),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("x-sluice-fallback")).toBeNull();
    const text = await r.text().catch(() => "");
    expect(text).not.toContain("message_stop");
    const ex = await lastExchange();
    expect(ex).toMatchObject({ outcome: "incomplete", upstream: "mockant" });
    expect(ex.fallback).toBeUndefined();
    expect(chats()).toHaveLength(0);
  });

  test("the way back: an OpenAI-format target that fails falls back to Anthropic, untranslated", async () => {
    await faults([{ model: "qwen3-coder", status: 502 }]);
    const { data, response } = await client.messages.create(params("local-first")).withResponse();
    expect(data.content[0]).toMatchObject({ type: "text", text: "from anthropic" });
    expect(response.headers.get("x-sluice-fallback")).toBe("anthropic");
    const sent = JSON.parse(anthropic.seen[0]!.body);
    expect(sent).toMatchObject({ model: "claude-sonnet-4-5", messages: params().messages });
    // No key of sluice's own for Anthropic: the client's own goes there, as without a route.
    expect(keyOf(anthropic.seen[0]!.headers)).toBe("sk-ant-client");
    expect((await lastExchange()).fallback).toBe("anthropic");
  });

  test("the way back rewrites only the model: every other byte goes as the client sent it", async () => {
    await faults([{ model: "qwen3-coder", status: 502 }]);
    const raw = `{"model":"local-first", "max_tokens":64,"metadata":{"user_id":"u"},"x_trace":12345678901234567890,"messages":[{"role":"user","content":"caf\\u00e9"}]}`;
    const r = await fetch(`${sluice.url}/v1/messages`, { method: "POST", body: raw });
    expect(r.headers.get("x-sluice-fallback")).toBe("anthropic");
    expect(anthropic.seen[0]!.body).toBe(raw.replace('"local-first"', '"claude-sonnet-4-5"'));
  });

  test("a target that cannot be connected to falls back", async () => {
    const { response } = await client.messages.create(params("gone-model")).withResponse();
    expect(response.headers.get("x-sluice-fallback")).toBe("local");
    expect(JSON.parse(chats()[0]!.body).model).toBe("gone-model");
  });

  test("a target that sends nothing within the read timeout falls back", async () => {
    primary = (req) =>
      new Promise((resolve) => req.signal.addEventListener("abort", () => resolve(new Response(null))));
    const { response } = await client.messages.create(params()).withResponse();
    expect(response.headers.get("x-sluice-fallback")).toBe("openrouter");
  });

  test("a catch-all route gives plain passthrough traffic a fallback, count_tokens too", async () => {
    primary = () => scripted(500);
    const { response } = await client.messages.create(params("any-model")).withResponse();
    expect(response.headers.get("x-sluice-fallback")).toBe("local");
    expect(JSON.parse(chats()[0]!.body).model).toBe("qwen3-coder");
    const counted = await client.messages
      .countTokens({ model: "any-model", messages: params().messages })
      .withResponse();
    expect(counted.data.input_tokens).toBeGreaterThan(0);
    expect(counted.response.headers.get("x-sluice-fallback")).toBe("local");
    expect(chats()).toHaveLength(1);
  });

  test("when every target fails, the last one's own error is the answer", async () => {
    primary = () => scripted(500);
    await faults([{ path: "/v1/chat/completions", status: 503 }]);
    const err = await client.messages.create(params()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    const apiErr = err as InstanceType<typeof Anthropic.APIError>;
    // The local model's overloaded 503, as Anthropic says it (issue 11).
    expect(apiErr.status).toBe(529);
    expect(apiErr.headers?.get("x-sluice-fallback")).toBe("local");
    expect(chats()).toHaveLength(4);
  });

  test("the request log, /metrics and Prometheus record the fallback", async () => {
    primary = () => scripted(529);
    await client.messages.create(params());
    const ex = await lastExchange();
    const line = lines.map((l) => JSON.parse(l)).find((l) => l.id === ex.id);
    expect(line).toMatchObject({ msg: "request", fallback: "openrouter", upstream: "openrouter" });
    const metrics = await (await fetch(`${sluice.adminUrl}/metrics`)).json();
    expect(metrics.fallbacks.openrouter).toBeGreaterThan(0);
    expect(metrics.recent.find((r: { id: string }) => r.id === ex.id)).toMatchObject({
      fallback: "openrouter",
    });
    const prom = await (await fetch(`${sluice.adminUrl}/metrics/prometheus`)).text();
    expect(prom).toMatch(/sluice_fallbacks_total\{provider="openrouter"\} \d+/);
  });
});
