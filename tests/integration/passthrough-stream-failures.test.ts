// A passed-through stream that fails after the upstream's headers: before any byte reached the
// client it is answered with a 504 / 502 in the client's own format (the status line is only sent
// with the first byte); after, it ends with one error event in the client's format and a close,
// which the real SDKs turn into errors. The upstream is a raw HTTP server on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type RawUpstream, startRawUpstream } from "../helpers/raw-upstream.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { readAll, until } from "../helpers/stream.ts";

let upstream: RawUpstream;
let sluice: TestSluice;
let anthropic: Anthropic;
let openai: OpenAI;

beforeAll(async () => {
  upstream = startRawUpstream();
  sluice = await startSluice({
    SLUICE_ANTHROPIC_BASE_URL: upstream.url,
    SLUICE_OPENAI_BASE_URL: upstream.url,
    SLUICE_GEMINI_BASE_URL: upstream.url,
    SLUICE_READ_TIMEOUT: "0.5",
  });
  anthropic = new Anthropic({ baseURL: sluice.url, apiKey: "k", maxRetries: 0 });
  openai = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: "k", maxRetries: 0 });
});
afterAll(async () => {
  await sluice.stop();
  upstream.stop();
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );
const claude = () =>
  anthropic.messages.stream({
    model: "claude-sonnet-4-6",
    max_tokens: 8,
    messages: [{ role: "user", content: "hi" }],
  });
const lastExchange = async () => {
  await until(() => sluice.exchanges.length > 0, 3000, "an exchange");
  return sluice.exchanges.at(-1)!;
};

describe("before any byte reached the client", () => {
  test("headers then silence is a 504 in Anthropic's format", async () => {
    const stream = claude();
    (await upstream.next()).head();
    const err = await failure(stream.finalMessage());
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(504);
    expect(String((err as Error).message)).toContain(
      "sent its headers, then nothing within the read timeout",
    );
    expect((await lastExchange()).status).toBe(504);
  });

  test("headers then a reset is a 502 in OpenAI's format", async () => {
    const call = openai.chat.completions.create({
      model: "gpt-4o",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    const up = await upstream.next();
    up.head();
    up.reset();
    const err = await failure(call);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect(String((err as Error).message)).toContain("dropped the connection after its headers");
  });
});

describe("after the stream started", () => {
  test("silence ends an Anthropic stream with an overloaded_error event", async () => {
    const stream = claude();
    const up = await upstream.next();
    up.head();
    up.send(
      `event: message_start\ndata: ${JSON.stringify({
        type: "message_start",
        message: {
          id: "msg_1",
          type: "message",
          role: "assistant",
          model: "claude-sonnet-4-6",
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 3, output_tokens: 1 },
        },
      })}\n\n`,
    );
    const err = await failure(stream.finalMessage());
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(String((err as Error).message)).toContain("overloaded_error");
    expect(String((err as Error).message)).toContain("went silent");
    expect((await lastExchange()).outcome).toBe("incomplete");
  });

  test("a reset ends an OpenAI stream with an error chunk the SDK throws on", async () => {
    const pending = openai.chat.completions.create({
      model: "gpt-4o",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    const up = await upstream.next();
    up.head();
    up.send(
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "par" }, finish_reason: null }] })}\n\n`,
    );
    const call = await pending;
    const texts: string[] = [];
    const err = await failure(
      (async () => {
        for await (const c of call) {
          texts.push(c.choices[0]?.delta.content ?? "");
          up.reset();
        }
      })(),
    );
    expect(texts).toEqual(["par"]);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(String((err as Error).message)).toContain("dropped the connection mid-stream");
  });

  test("a Gemini event stream ends with an error event in Gemini's format", async () => {
    const res = fetch(`${sluice.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, {
      method: "POST",
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    const up = await upstream.next();
    up.head();
    up.send(`data: ${JSON.stringify({ candidates: [{ content: { parts: [{ text: "par" }] } }] })}\r\n\r\n`);
    const { text, clean } = await readAll((await res).body!);
    expect(clean).toBe(true);
    const last = text.trim().split("\n").at(-1)!;
    expect(JSON.parse(last.slice("data: ".length))).toMatchObject({
      error: { code: 504, status: "DEADLINE_EXCEEDED" },
    });
  });
});
