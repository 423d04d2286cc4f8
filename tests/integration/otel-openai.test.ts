// OpenAI traffic becomes GenAI spans: Chat Completions streamed (usage from the include_usage
// chunk sluice asks for) and whole, and the Responses API; cached prompt tokens are counted in
// input_tokens and given apart, and openai.api.type tells the two APIs apart.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { type OtlpReceiver, otelEnv, spanOf, startOtlpReceiver } from "../helpers/otlp-receiver.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

let mock: MockServer;
let rx: OtlpReceiver;
let sluice: TestSluice;
beforeAll(async () => {
  mock = startMockUpstream({ port: 0 });
  rx = startOtlpReceiver();
  sluice = await startSluice({ SLUICE_OPENAI_BASE_URL: mock.url, ...otelEnv(rx) });
});
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
  await rx.stop();
});

async function call(path: string, body: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(`${sluice.url}${path}`, {
    method: "POST",
    headers: { authorization: "Bearer sk-client-openai", "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  const id = r.headers.get("x-sluice-request-id")!;
  await sluice.flushTelemetry();
  return { text, span: spanOf(rx, id), upstream: mock.requests.at(-1)! };
}

/** The last object of an SSE stream that carries `field`, or the whole JSON body. */
function last(text: string, field: string): Record<string, unknown> {
  if (text.trimStart().startsWith("{")) return JSON.parse(text);
  const objs = text
    .split("\n")
    .filter((l) => l.startsWith("data: {"))
    .map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);
  return objs.filter((o) => o[field] !== undefined && o[field] !== null).at(-1) ?? {};
}

describe("OpenAI spans", () => {
  test("a chat stream: usage with cached tokens, finish reason and id from the chunks", async () => {
    const body = {
      model: "gpt-4.1",
      stream: true,
      seed: 7,
      n: 1,
      messages: [{ role: "user", content: "hi there" }],
    };
    const { text, span } = await call("/v1/chat/completions", body, { "x-mock-cache": "read" });
    const usage = last(text, "usage").usage as Record<string, number> & {
      prompt_tokens_details: { cached_tokens: number };
    };
    const chunk = last(text, "id");
    expect(span.name).toBe("chat gpt-4.1");
    expect(span.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "openai.api.type": "chat_completions",
      "gen_ai.request.model": "gpt-4.1",
      "gen_ai.request.seed": 7,
      "gen_ai.request.stream": true,
      "gen_ai.response.id": chunk.id,
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": usage.prompt_tokens,
      "gen_ai.usage.output_tokens": usage.completion_tokens,
      "server.port": mock.port,
    });
    // n = 1 is the default: the conventions leave choice.count out then.
    expect(span.attributes["gen_ai.request.choice.count"]).toBeUndefined();
    expect(usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(0);
    expect(span.attributes["gen_ai.usage.cache_read.input_tokens"]).toBe(
      usage.prompt_tokens_details.cached_tokens,
    );
  });

  test("a whole chat completion: response model and id, sampling settings", async () => {
    const body = {
      model: "gpt-4.1-mini",
      temperature: 0.5,
      top_p: 0.9,
      max_completion_tokens: 99,
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
      stop: "END",
      messages: [{ role: "user", content: "hello" }],
    };
    const { text, span } = await call("/v1/chat/completions", body);
    const answer = JSON.parse(text);
    expect(span.attributes).toMatchObject({
      "gen_ai.response.id": answer.id,
      "gen_ai.response.model": answer.model,
      "gen_ai.request.temperature": 0.5,
      "gen_ai.request.top_p": 0.9,
      "gen_ai.request.max_tokens": 99,
      "gen_ai.request.frequency_penalty": 0.1,
      "gen_ai.request.presence_penalty": 0.2,
      "gen_ai.request.stop_sequences": ["END"],
      "gen_ai.usage.output_tokens": answer.usage.completion_tokens,
    });
  });

  test("the Responses API, streamed: openai.api.type responses, id and usage from response.completed", async () => {
    const { text, span } = await call("/v1/responses", { model: "gpt-5", stream: true, input: "hello" });
    const done = last(text, "response").response as { id: string; usage: Record<string, number> };
    expect(span.name).toBe("chat gpt-5");
    expect(span.attributes).toMatchObject({
      "openai.api.type": "responses",
      "gen_ai.response.id": done.id,
      "gen_ai.response.finish_reasons": ["completed"],
      "gen_ai.usage.output_tokens": done.usage.output_tokens,
    });
  });

  test("an upstream error status is an error span with the status as error.type", async () => {
    const { span } = await call(
      "/v1/chat/completions",
      { model: "gpt-4.1", messages: [{ role: "user", content: "x" }] },
      { "x-mock-status": "429", "x-mock-key": "otel-429" },
    );
    expect(span.status.code).toBe(2);
    expect(span.attributes["error.type"]).toBe("429");
    expect(span.attributes["http.response.status_code"]).toBe(429);
    expect(span.attributes["gen_ai.response.model"]).toBeUndefined();
  });
});
