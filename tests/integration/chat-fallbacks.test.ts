// Routes for OpenAI clients (`api = "openai"` on a [[routes]] entry): a Chat Completions request
// whose model matches goes to the route's OpenAI-format provider and falls back along its list
// when a target fails before any byte reached the client, relayed as it is (only the model and
// a max_tokens cap change). A fallback provider never gets the client's own key. The real
// `openai` SDK is the client; a fake OpenAI fails on command, the mock upstream plays the other
// OpenAI-format providers with its fault table.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { tempDir } from "../e2e/helpers.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import {
  keyOf,
  type Seen,
  scripted,
  setMockFaults,
  startUpstream,
  type TestUpstream,
} from "../helpers/upstream.ts";

let openai: TestUpstream;
let mock: MockServer;
let sluice: TestSluice;
let client: OpenAI;
/** What the fake OpenAI answers; each test sets it. */
let primary: (req: Request, seen: Seen) => Response | Promise<Response>;

const openaiOk = () =>
  Response.json({
    id: "chatcmpl-a",
    object: "chat.completion",
    created: 1,
    model: "gpt-4.1",
    choices: [{ index: 0, message: { role: "assistant", content: "from openai" }, finish_reason: "stop" }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  });

beforeAll(async () => {
  openai = startUpstream((req, seen) => primary(req, seen));
  mock = startMockUpstream({ port: 0 });
  const file = join(tempDir("chat-fallbacks"), "sluice.toml");
  writeFileSync(
    file,
    `openai_base_url = "${openai.url}"

[providers.openrouter]
preset = "openrouter"
base_url = "${mock.url}/v1"
api_key_env = "OR_KEY"

[providers.local]
preset = "ollama"
base_url = "${mock.url}/v1"
max_tokens = 100

[[routes]]
api = "openai"
match = "gpt-4.1*"
provider = "openai"
fallback = ["openrouter:openai/gpt-4.1", "local:qwen3-coder"]

[[routes]]
api = "openai"
match = "cheap-*"
provider = "local"
model = "qwen3-coder"

[[routes]]
match = "o3-*"                 # an Anthropic route: it never takes an OpenAI client's request
provider = "local"
`,
  );
  sluice = await startSluice({ SLUICE_CONFIG: file, SLUICE_RETRY_MAX: "1", OR_KEY: "sk-or" });
  client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: "sk-client-openai", maxRetries: 0 });
});
afterAll(async () => {
  await sluice.stop();
  await openai.stop();
  await mock.stop();
});
beforeEach(async () => {
  openai.seen.length = 0;
  primary = openaiOk;
  await fetch(`${mock.url}/__mock/reset`, { method: "POST" });
});

const faults = (list: unknown[]) => setMockFaults(mock.url, list);
const chats = () => mock.requests.filter((q) => q.path === "/v1/chat/completions");
const ask = (model = "gpt-4.1", extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: "user" as const, content: "hello chat fallback" }],
  ...extra,
});
const lastExchange = async () => (await sluice.waitForExchanges(sluice.exchanges.length)).at(-1)!;

describe("routes for OpenAI clients", () => {
  test("the route's own target answers when it can: the client's key, nothing else called", async () => {
    const { data, response } = await client.chat.completions.create(ask()).withResponse();
    expect(data.choices[0]?.message.content).toBe("from openai");
    expect(response.headers.get("x-sluice-fallback")).toBeNull();
    expect(openai.seen.map((s) => keyOf(s.headers))).toEqual(["sk-client-openai"]);
    expect(chats()).toHaveLength(0);
  });

  test("OpenAI overloaded past its retries: OpenRouter answers, with its own key and model", async () => {
    primary = () => scripted(503);
    const { data, response } = await client.chat.completions.create(ask()).withResponse();
    expect(data.choices[0]?.message.content).toStartWith("Mock reply to: hello chat fallback");
    expect(response.headers.get("x-sluice-fallback")).toBe("openrouter");
    expect(openai.seen).toHaveLength(2);
    const [chat] = chats();
    expect(JSON.parse(chat!.body).model).toBe("openai/gpt-4.1");
    expect(chat!.headers.authorization).toBe("Bearer sk-or");
    expect(JSON.stringify(chat!.headers)).not.toContain("sk-client-openai");
    const ex = await lastExchange();
    expect(ex).toMatchObject({ fallback: "openrouter", upstream: "openrouter", status: 200 });
    expect(ex.usage?.outputTokens).toBeGreaterThan(0);
  });

  test("streamed: OpenAI 429, OpenRouter 503, and the local model streams the answer", async () => {
    primary = () => scripted({ status: 429, retryAfter: "30" });
    await faults([{ key: "sk-or", status: 503 }]);
    const { data: stream, response } = await client.chat.completions
      .create({ ...ask(), stream: true })
      .withResponse();
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toStartWith("Mock reply to: hello chat fallback");
    expect(response.headers.get("x-sluice-fallback")).toBe("local");
    const sent = chats().map((q) => JSON.parse(q.body));
    expect(sent.map((b) => b.model)).toEqual(["openai/gpt-4.1", "openai/gpt-4.1", "qwen3-coder"]);
    // sluice asked for the stream's usage, and the local model (no key of its own) got no key.
    expect(sent.at(-1).stream_options).toEqual({ include_usage: true });
    expect(keyOf(new Headers(chats().at(-1)!.headers))).toBe("");
    const ex = await lastExchange();
    expect(ex).toMatchObject({ fallback: "local", stream: true, outcome: "ok" });
    expect(ex.usage?.outputTokens).toBeGreaterThan(0);
  });

  test("a client error is never moved on: the 400 reaches the client, no fallback tried", async () => {
    primary = () =>
      Response.json(
        { error: { message: "bad thing", type: "invalid_request_error", code: null, param: null } },
        { status: 400 },
      );
    const err = await client.chat.completions.create(ask()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).message).toContain("bad thing");
    expect(chats()).toHaveLength(0);
  });

  test("a route to another provider: the model is rewritten, max_tokens capped, the answer relayed", async () => {
    const { data, response } = await client.chat.completions
      .create(ask("cheap-anything", { max_tokens: 5000 }))
      .withResponse();
    expect(data.choices[0]?.message.content).toStartWith("Mock reply to: hello chat fallback");
    expect(response.headers.get("x-sluice-fallback")).toBeNull();
    const [chat] = chats();
    expect(JSON.parse(chat!.body)).toMatchObject({ model: "qwen3-coder", max_tokens: 100 });
    expect(keyOf(new Headers(chat!.headers))).toBe("");
    expect(openai.seen).toHaveLength(0);
    expect(await lastExchange()).toMatchObject({ routedTo: "local", upstream: "local" });
  });

  test("a model no OpenAI route matches goes to the OpenAI upstream alone, as before (an Anthropic route for it does not apply)", async () => {
    primary = () => scripted(503);
    const err = await client.chat.completions.create(ask("o3-mini")).catch((e: unknown) => e);
    expect((err as { status?: number }).status).toBe(503);
    expect(openai.seen).toHaveLength(2);
    expect(chats()).toHaveLength(0);
  });
});
