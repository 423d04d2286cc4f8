// Usage and errors from routed OpenAI-format backends, through the real Anthropic SDK: every
// backend is asked for stream usage, one that refuses the field is asked again without it (once,
// and remembered), a stream that ends without usage gets sluice's own count (marked estimated in
// the log, metrics and Langfuse), usage named input_tokens / output_tokens is read, a 429 keeps
// its retry-after and an overloaded 503 reaches the client as Anthropic's 529.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { createLogger } from "../../src/log.ts";
import { tokenizer } from "../../src/translate/estimate.ts";
import { tempDir } from "../e2e/helpers.ts";
import { type FakeLangfuse, langfuseEnv, startFakeLangfuse, tracedAs } from "../helpers/fake-langfuse.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { sseHeaders, until } from "../helpers/stream.ts";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";

const ANSWER = "Counted by the tokenizer, since this backend sends no usage at all.";
const sse = (chunks: unknown[]) =>
  new Response(`${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("")}data: [DONE]\n\n`, {
    headers: sseHeaders,
  });
const text = (content: string, finish: string | null = null) => ({
  choices: [{ index: 0, delta: { content }, finish_reason: finish }],
});

/** Each backend is a path of one fake server: its behaviour is chosen by the route's base URL. */
function backend(path: string, body: Record<string, unknown>): Response {
  const stream = body.stream === true;
  switch (path) {
    case "/strict/v1/chat/completions":
      // An older vLLM: refuses the field outright.
      if (body.stream_options !== undefined) {
        return Response.json(
          {
            object: "error",
            message: "[{'loc': ('body', 'stream_options'), 'msg': 'extra fields not permitted'}]",
          },
          { status: 400 },
        );
      }
      return sse([text("ok"), text("", "stop")]);
    case "/silent/v1/chat/completions":
      return sse([text(ANSWER.slice(0, 20)), text(ANSWER.slice(20)), text("", "stop")]);
    case "/named/v1/chat/completions":
      return Response.json({
        choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
        usage: { input_tokens: 41, output_tokens: 7 },
      });
    case "/limited/v1/chat/completions":
      return Response.json(
        { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } },
        { status: 429, headers: { "retry-after": "17" } },
      );
    case "/busy/v1/chat/completions":
      return Response.json({ error: { message: "engine overloaded" } }, { status: 503 });
    case "/whole/v1/chat/completions":
      // Ignores stream: true and answers one JSON body.
      return Response.json({
        choices: [{ index: 0, message: { role: "assistant", content: "whole" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 9, completion_tokens: 2 },
      });
    default:
      return Response.json({ error: { message: `no ${path}`, stream } }, { status: 404 });
  }
}

let up: TestUpstream;
let lf: FakeLangfuse;
let sluice: TestSluice;
let client: Anthropic;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  up = startUpstream((req, seen) => backend(new URL(req.url).pathname, JSON.parse(seen.body)));
  lf = startFakeLangfuse();
  const names = ["strict", "silent", "named", "limited", "busy", "whole"];
  const file = join(tempDir("translated-usage"), "sluice.toml");
  writeFileSync(
    file,
    names
      .map(
        (n) =>
          `[providers.${n}]\nformat = "openai"\nbase_url = "${up.url}/${n}/v1"\n\n[[routes]]\nmatch = "${n}-*"\nprovider = "${n}"\n`,
      )
      .join("\n"),
  );
  const log = createLogger({
    level: "info",
    format: "json",
    write: (line) => logLines.push(JSON.parse(line)),
  });
  sluice = await startSluice(
    { SLUICE_CONFIG: file, SLUICE_RETRY_MAX: "1", ...langfuseEnv(lf) },
    { admin: true, log },
  );
  tokenizer();
  client = new Anthropic({ baseURL: sluice.url, apiKey: "k", maxRetries: 0 });
});
afterAll(async () => {
  await sluice.stop();
  await up.stop();
  await lf.stop();
});

const ask = (model: string) =>
  client.messages.stream({ model, max_tokens: 64, messages: [{ role: "user", content: "hello" }] });
const bodiesTo = (name: string) =>
  up.seen.filter((s) => new URL(s.url).pathname.startsWith(`/${name}/`)).map((s) => JSON.parse(s.body));
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe("stream usage", () => {
  test("a backend that refuses stream_options is asked again without it, once, and then never", async () => {
    const first = await ask("strict-1").finalMessage();
    expect(first.content).toMatchObject([{ type: "text", text: "ok" }]);
    const second = await ask("strict-2").finalMessage();
    expect(second.content).toMatchObject([{ type: "text", text: "ok" }]);
    const sent = bodiesTo("strict");
    expect(sent.map((b) => b.stream_options)).toEqual([{ include_usage: true }, undefined, undefined]);
    expect(sluice.exchanges.find((e) => e.requestModel === "strict-1")?.retries).toBe(1);
  });

  test("a custom provider without a preset is asked for stream usage too", () => {
    expect(bodiesTo("strict")[0].stream_options).toEqual({ include_usage: true });
  });

  test("a stream without usage gets output tokens counted by the tokenizer, marked estimated", async () => {
    const message = await ask("silent-1").finalMessage();
    const expected = tokenizer()(ANSWER);
    expect(expected).toBeGreaterThan(5);
    expect(message.usage.output_tokens).toBe(expected);
    await until(() => sluice.exchanges.some((e) => e.requestModel === "silent-1"));
    const id = sluice.exchanges.find((e) => e.requestModel === "silent-1")!;
    expect(id.usage).toMatchObject({ outputTokens: expected, estimated: true });
    await until(() => logLines.some((l) => l.id === id.id), 3000, "the request log line");
    expect(logLines.find((l) => l.id === id.id)).toMatchObject({
      tokens_out: expected,
      tokens_estimated: true,
    });
    const metrics = (await (await fetch(`${sluice.adminUrl}/metrics`)).json()) as {
      byModel: { key: string; tokens: { output: number; outputEstimated: number } }[];
    };
    expect(metrics.byModel.find((r) => r.key === "silent-1")?.tokens).toMatchObject({
      output: expected,
      outputEstimated: expected,
    });
    const prom = await (await fetch(`${sluice.adminUrl}/metrics/prometheus`)).text();
    expect(prom).toContain(`sluice_estimated_output_tokens_total{model="silent-1"} ${expected}`);
    await sluice.flushTelemetry();
    expect(tracedAs(lf, id.id).generation.metadata).toMatchObject({ usage_estimated: true });
  });

  test("usage named input_tokens / output_tokens in a chat answer is read", async () => {
    const message = await client.messages.create({
      model: "named-1",
      max_tokens: 8,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(message.usage).toMatchObject({ input_tokens: 41, output_tokens: 7 });
  });

  test("a stream request answered with one JSON body still reaches the client as a stream", async () => {
    const events: string[] = [];
    const stream = ask("whole-1");
    stream.on("streamEvent", (ev) => events.push(ev.type));
    const message = await stream.finalMessage();
    expect(message.content).toMatchObject([{ type: "text", text: "whole" }]);
    expect(message.usage).toMatchObject({ input_tokens: 9, output_tokens: 2 });
    expect(events).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
  });
});

describe("errors", () => {
  test("a 429 keeps its retry-after", async () => {
    const err = await failure(ask("limited-1").finalMessage());
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect((err as InstanceType<typeof Anthropic.APIError>).headers?.get("retry-after")).toBe("17");
  });

  test("an overloaded 503, after the retries, is Anthropic's 529 overloaded_error", async () => {
    const err = await failure(ask("busy-1").finalMessage());
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect(String((err as Error).message)).toContain("overloaded_error");
    expect(bodiesTo("busy")).toHaveLength(2);
  });
});
