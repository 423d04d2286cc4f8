// Routed models: the Anthropic SDK talks to sluice, sluice talks Chat Completions to an
// OpenAI-compatible backend (the mock upstream) and answers in Anthropic's format.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { ANTHROPIC_MODELS } from "../../src/mock-upstream/anthropic.ts";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { tempDir } from "../e2e/helpers.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";

let mock: MockServer;
let limited: TestUpstream;
let thinker: TestUpstream;
let sluice: TestSluice;
let client: Anthropic;

beforeAll(async () => {
  mock = startMockUpstream({ port: 0 });
  limited = startUpstream(() =>
    Response.json(
      {
        error: { message: "Rate limit reached for requests", type: "requests", code: "rate_limit_exceeded" },
      },
      { status: 429 },
    ),
  );
  thinker = startUpstream((_req, seen) => thinkingBackend(JSON.parse(seen.body).stream === true));
  const file = join(tempDir("routes"), "sluice.toml");
  writeFileSync(
    file,
    `
[providers.local]
preset = "vllm"
base_url = "${mock.url}/v1"
api_key_env = "LOCAL_KEY"

[providers.strictlocal]
preset = "vllm"
base_url = "${mock.url}/v1"
strict = true

[[routes]]
match = "strict-*"
provider = "strictlocal"

[providers.limited]
preset = "openai"
base_url = "${limited.url}/v1"

[[routes]]
match = "limited-*"
provider = "limited"

[providers.thinker]
preset = "ollama"
base_url = "${thinker.url}/v1"

[providers.tagsoff]
preset = "ollama"
base_url = "${thinker.url}/v1"
think_tags = "off"

[[routes]]
match = "thinker-*"
provider = "thinker"

[[routes]]
match = "tagsoff-*"
provider = "tagsoff"

[providers.renamed]
preset = "anthropic"
base_url = "${mock.url}"

[[routes]]
match = "claude-haiku-*"
provider = "local"
model = "qwen2.5-coder:7b"

[[routes]]
match = "local-coder"
provider = "local"

[[routes]]
match = "tiny-*"
provider = "local"
model = "tiny:1b"
max_tokens = 2048

[[routes]]
match = "claude-opus-small"
provider = "renamed"
model = "claude-opus-renamed"
max_tokens = 4096

[[routes]]
match = "claude-opus-*"
provider = "renamed"
model = "claude-opus-renamed"
`,
  );
  sluice = await startSluice({
    SLUICE_CONFIG: file,
    SLUICE_ANTHROPIC_BASE_URL: mock.url,
    LOCAL_KEY: "sk-local",
  });
  client = new Anthropic({ baseURL: sluice.url, apiKey: "sk-ant-client", maxRetries: 0 });
});
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
  await limited.stop();
  await thinker.stop();
});

const THOUGHT = "<think>plan</think>\n\nAnswer";

/** A backend without a reasoning parser: the reasoning comes inline, tags split across chunks. */
function thinkingBackend(stream: boolean): Response {
  if (!stream) {
    return Response.json({
      choices: [{ index: 0, message: { role: "assistant", content: THOUGHT }, finish_reason: "stop" }],
      usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
    });
  }
  const pieces = ["<th", "ink>pl", "an</th", "ink>\n\nAns", "wer"];
  const chunks = [
    ...pieces.map((content) => ({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })),
    { choices: [{ index: 0, delta: {}, finish_reason: "stop" }] },
    { choices: [], usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } },
  ];
  const body = `${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("")}data: [DONE]\n\n`;
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

const last = () => mock.requests.at(-1)!;
const user = (content: string) => [{ role: "user" as const, content }];

describe("routes to an OpenAI-compatible backend", () => {
  test("a non-streamed message is translated both ways", async () => {
    const msg = await client.messages.create({
      model: "claude-haiku-4-5",
      max_tokens: 200,
      messages: user("hello qwen"),
    });
    expect(last().path).toBe("/v1/chat/completions");
    const sent = JSON.parse(last().body);
    expect(sent.model).toBe("qwen2.5-coder:7b");
    expect(sent.messages).toEqual([{ role: "user", content: "hello qwen" }]);
    expect(last().headers.authorization).toBe("Bearer sk-local");
    expect(JSON.stringify(last().headers)).not.toContain("sk-ant-client");
    expect(msg.model).toBe("claude-haiku-4-5");
    expect(msg.content[0]).toMatchObject({ type: "text" });
    expect((msg.content[0] as { text: string }).text).toStartWith("Mock reply to: hello qwen");
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
  });

  test("a streamed message arrives as Anthropic events with usage", async () => {
    const stream = client.messages.stream({
      model: "claude-haiku-4-5",
      max_tokens: 200,
      messages: user("stream it"),
    });
    const texts: string[] = [];
    stream.on("text", (t) => texts.push(t));
    const final = await stream.finalMessage();
    expect(texts.length).toBeGreaterThan(1);
    expect(texts.join("")).toStartWith("Mock reply to: stream it");
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    expect(JSON.parse(last().body).stream_options).toEqual({ include_usage: true });
    const ex = sluice.exchanges.at(-1)!;
    expect(ex.routedTo).toBe("local");
    expect(ex.upstreamModel).toBe("qwen2.5-coder:7b");
    expect(ex.usage?.outputTokens).toBe(final.usage.output_tokens);
  });

  test("a tool call streams as tool_use with valid JSON input, and its result goes back next turn", async () => {
    const tools = [
      {
        name: "read_file",
        description: "Read a file",
        input_schema: {
          type: "object" as const,
          properties: { path: { type: "string" } },
          required: ["path"],
        },
      },
    ];
    const first = await client.messages
      .stream({ model: "claude-haiku-4-5", max_tokens: 200, tools, messages: user("use tool read_file") })
      .finalMessage();
    expect(first.stop_reason).toBe("tool_use");
    const use = first.content.find((b) => b.type === "tool_use");
    expect(use).toMatchObject({ name: "read_file", input: { path: "mock" } });
    const second = await client.messages.create({
      model: "claude-haiku-4-5",
      max_tokens: 200,
      tools,
      messages: [
        { role: "user", content: "use tool read_file" },
        { role: "assistant", content: first.content },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: (use as { id: string }).id, content: "file says 42" },
          ],
        },
      ],
    });
    const sent = JSON.parse(last().body);
    expect(sent.messages.at(-1)).toMatchObject({ role: "tool", tool_call_id: (use as { id: string }).id });
    expect((second.content[0] as { text: string }).text).toContain("file says 42");
  });

  test("inline <think> reasoning arrives as a thinking block, streamed or not, unless think_tags is off", async () => {
    const expected = [
      { type: "thinking", thinking: "plan", signature: "" },
      { type: "text", text: "Answer" },
    ];
    const plain = await client.messages.create({ model: "thinker-1", max_tokens: 50, messages: user("x") });
    expect(plain.content).toMatchObject(expected);
    expect(plain.usage.output_tokens).toBe(7);
    const stream = client.messages.stream({ model: "thinker-1", max_tokens: 50, messages: user("x") });
    const kinds: string[] = [];
    stream.on("streamEvent", (e) => {
      if (e.type === "content_block_start") kinds.push(e.content_block.type);
    });
    const streamed = await stream.finalMessage();
    expect(kinds).toEqual(["thinking", "text"]);
    expect(streamed.content).toMatchObject(expected);
    expect(streamed.usage.output_tokens).toBe(7);
    const off = await client.messages.create({ model: "tagsoff-1", max_tokens: 50, messages: user("x") });
    expect(off.content).toHaveLength(1);
    expect(off.content[0]).toMatchObject({ type: "text", text: THOUGHT });
  });

  test("what the backend cannot express is listed in x-sluice-dropped", async () => {
    const r = await fetch(`${sluice.url}/v1/messages`, {
      method: "POST",
      body: JSON.stringify({
        model: "claude-haiku-4-5",
        max_tokens: 50,
        system: [{ type: "text", text: "be brief", cache_control: { type: "ephemeral" } }],
        context_management: { edits: [] },
        messages: user("hi"),
      }),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("x-sluice-provider")).toBe("local");
    expect(r.headers.get("x-sluice-dropped")?.split(",")).toEqual(
      expect.arrayContaining(["cache_control", "context_management"]),
    );
  });

  test("a Claude Code-shaped request reaches the strict Chat Completions mock with no Anthropic-only field", async () => {
    const cached = { type: "ephemeral" as const };
    const r = await fetch(`${sluice.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-beta": "context-management-2025-06-27" },
      body: JSON.stringify({
        model: "claude-haiku-4-5",
        max_tokens: 4096,
        stream: true,
        system: [{ type: "text", text: "You are Claude Code.", cache_control: cached }],
        thinking: { type: "enabled", budget_tokens: 2048 },
        metadata: { user_id: "user_1_account_2_session_3" },
        context_management: { edits: [] },
        tools: [
          {
            name: "read_file",
            description: "Read a file",
            input_schema: { type: "object", properties: { path: { type: "string" } } },
            cache_control: cached,
          },
        ],
        tool_choice: { type: "auto", disable_parallel_tool_use: true },
        messages: [
          { role: "user", content: [{ type: "text", text: "hi", cache_control: cached }] },
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "t", signature: "sig" },
              { type: "text", text: "ok" },
            ],
          },
          { role: "user", content: [{ type: "text", text: "again", cache_control: cached }] },
        ],
      }),
    });
    const text = await r.text();
    expect(r.status).toBe(200);
    expect(text).toContain("event: message_stop");
    expect(last().path).toBe("/v1/chat/completions");
    expect(last().status).toBe(200);
  });

  test("a strict provider refuses what it cannot express instead of dropping it", async () => {
    const before = mock.requests.length;
    const err = await client.messages
      .create({
        model: "strict-1",
        max_tokens: 50,
        system: [{ type: "text", text: "cached", cache_control: { type: "ephemeral" } }],
        messages: user("x"),
      })
      .catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.error?.error?.type).toBe("invalid_request_error");
    expect(err.error?.error?.message).toContain("cache_control");
    expect(mock.requests.length).toBe(before);
    const ok = await client.messages.create({ model: "strict-1", max_tokens: 50, messages: user("plain") });
    expect(ok.content[0]?.type).toBe("text");
  });

  test("backend errors come back as Anthropic errors with a mapped status", async () => {
    const err = await client.messages
      .create({ model: "limited-1", max_tokens: 50, messages: user("x") })
      .catch((e) => e);
    expect(err.status).toBe(429);
    expect(err.error?.error?.type).toBe("rate_limit_error");
    expect(err.error?.error?.message).toContain("Rate limit reached");
  });

  test("count_tokens for a routed model is answered locally with a tokenizer", async () => {
    const before = mock.requests.length;
    const r = await client.messages.countTokens({
      model: "claude-haiku-4-5",
      messages: user("count these tokens please"),
    });
    expect(r.input_tokens).toBeGreaterThan(4);
    expect(r.input_tokens).toBeLessThan(20);
    expect(mock.requests.length).toBe(before);
  });

  test("GET /v1/models lists literal routed names next to Anthropic's own", async () => {
    const list = await client.models.list();
    // Anthropic's list as its side of the mock has it, then the routes without * or ?, in
    // config order ("claude-opus-small" also starts with claude-, so only ids tell them apart).
    expect(list.data.map((m) => m.id)).toEqual([
      ...ANTHROPIC_MODELS.map((m) => m.id),
      "local-coder",
      "claude-opus-small",
    ]);
    expect(list.data.find((m) => m.id === "local-coder")?.display_name).toBe("local-coder (via local)");
    expect(list.data.find((m) => m.id === "claude-opus-small")?.display_name).toBe(
      "claude-opus-small (via renamed)",
    );
  });

  test("an Anthropic-format provider gets the request untouched but for the model name", async () => {
    // Every kind of field a client sends, so a rewrite that drops, reorders or re-types any of
    // them shows up as a byte difference.
    const body = JSON.stringify({
      model: "claude-opus-4-5",
      max_tokens: 20,
      system: [{ type: "text", text: "be terse ü ✓", cache_control: { type: "ephemeral" } }],
      messages: [
        { role: "user", content: "opus?" },
        { role: "assistant", content: [{ type: "text", text: "yes" }] },
        { role: "user", content: [{ type: "text", text: 'again\n"quoted"' }] },
      ],
      temperature: 0.25,
      stop_sequences: ["END"],
      metadata: { user_id: "u-1" },
      tools: [{ name: "noop", description: "nothing", input_schema: { type: "object", properties: {} } }],
      tool_choice: { type: "auto" },
    });
    const r = await fetch(`${sluice.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "sk-ant-client" },
      body,
    });
    expect(r.status).toBe(200);
    await r.arrayBuffer();
    expect(last().path).toBe("/v1/messages");
    expect(last().body).toBe(body.replace('"model":"claude-opus-4-5"', '"model":"claude-opus-renamed"'));
  });

  test("a route's max_tokens caps what a translated request asks for; smaller asks pass as they are", async () => {
    await client.messages.create({ model: "tiny-chat", max_tokens: 16000, messages: user("cap me") });
    expect(JSON.parse(last().body)).toMatchObject({ model: "tiny:1b", max_tokens: 2048 });
    await client.messages.create({ model: "tiny-chat", max_tokens: 100, messages: user("small") });
    expect(JSON.parse(last().body).max_tokens).toBe(100);
  });

  test("a route's max_tokens caps an Anthropic-format provider too, thinking budget kept below it", async () => {
    await client.messages.create({
      model: "claude-opus-small",
      max_tokens: 16000,
      thinking: { type: "enabled", budget_tokens: 8000 },
      messages: user("think"),
    });
    expect(JSON.parse(last().body)).toMatchObject({
      model: "claude-opus-renamed",
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 4095 },
    });
  });

  test("unrouted models go to the Anthropic upstream untouched", async () => {
    await client.messages.create({ model: "claude-sonnet-4-5", max_tokens: 20, messages: user("plain") });
    expect(last().path).toBe("/v1/messages");
    expect(JSON.parse(last().body).model).toBe("claude-sonnet-4-5");
    expect(last().headers.authorization).toBe("Bearer sk-ant-client");
  });
});
