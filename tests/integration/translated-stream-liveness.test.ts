// A routed (translated) stream behaves like one from Anthropic while the backend is slow, quiet
// or gone: message_start and a ping as soon as the backend answers 200, keep-alives as pings
// (and as upstream activity for the read timeout), and silence or a reset after that as an SSE
// error event the real Anthropic SDK turns into an error. The backend is a raw HTTP server on
// 127.0.0.1 whose answer each test writes by hand (headers first, then chunk by chunk).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { tokenizer } from "../../src/translate/estimate.ts";
import { tempDir } from "../e2e/helpers.ts";
import { type RawUpstream, startRawUpstream } from "../helpers/raw-upstream.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { until } from "../helpers/stream.ts";

let backend: RawUpstream;
let sluice: TestSluice;
let client: Anthropic;

const READ_TIMEOUT_S = 1;
const chunk = (delta: unknown, finish: string | null = null) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

beforeAll(async () => {
  backend = startRawUpstream();
  const file = join(tempDir("liveness"), "sluice.toml");
  writeFileSync(
    file,
    `[providers.slow]\nformat = "openai"\nbase_url = "${backend.url}/v1"\n\n[[routes]]\nmatch = "*"\nprovider = "slow"\nmodel = "slow-model"\n`,
  );
  sluice = await startSluice({ SLUICE_CONFIG: file, SLUICE_READ_TIMEOUT: String(READ_TIMEOUT_S) });
  // Load the tokenizer now: its tables block the event loop for about a second, longer than
  // the short read timeout these tests use.
  tokenizer();
  client = new Anthropic({ baseURL: sluice.url, apiKey: "k", maxRetries: 0 });
});
afterAll(async () => {
  await sluice.stop();
  backend.stop();
});

const ask = () =>
  client.messages.stream({
    model: "claude-sonnet-4-6",
    max_tokens: 64,
    messages: [{ role: "user", content: "hello" }],
  });

const text = (m: Anthropic.Message) => m.content.map((b) => (b.type === "text" ? b.text : b.type)).join("|");
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe("a translated stream", () => {
  test("gets message_start before the backend's first token", async () => {
    const stream = ask();
    const seen: string[] = [];
    stream.on("streamEvent", (ev) => seen.push(ev.type));
    const up = await backend.next();
    up.head();
    await until(() => seen.length > 0, 5000, "message_start before any backend byte");
    // Nothing has come from the backend yet but its headers: the start is sluice's own.
    expect(seen).toEqual(["message_start"]);
    up.send(chunk({ role: "assistant", content: "Hi" }));
    up.send(chunk({}, "stop"));
    up.end();
    expect(text(await stream.finalMessage())).toBe("Hi");
  });

  test("keeps going on keep-alives for longer than the read timeout, and relays them as pings", async () => {
    // The SDK swallows pings, so this reads the wire; the SDK case follows in the next test.
    const res = fetch(`${sluice.url}/v1/messages`, {
      method: "POST",
      headers: { "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: "m",
        max_tokens: 5,
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    const up = await backend.next();
    up.head();
    const reader = (await res).body!.getReader();
    const decoder = new TextDecoder();
    let wire = decoder.decode((await reader.read()).value);
    expect(wire).toStartWith("event: message_start\n");
    expect(wire).toContain("event: ping\n");
    // 2.5 read timeouts of keep-alives only, in OpenRouter's style and as blank lines; each
    // becomes one ping the client sees before the next is sent.
    const started = Date.now();
    let keepAlives = 0;
    while (Date.now() - started < 2.5 * READ_TIMEOUT_S * 1000) {
      up.send(keepAlives % 2 === 0 ? ": OPENROUTER PROCESSING\n\n" : "\n");
      keepAlives++;
      wire += decoder.decode((await reader.read()).value);
      await Bun.sleep(100);
    }
    up.send(chunk({ role: "assistant", content: "finally" }));
    up.send(chunk({}, "stop"));
    up.end();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      wire += decoder.decode(value);
    }
    expect(wire.split("event: ping\n").length - 1).toBe(1 + keepAlives);
    expect(wire).toContain('"text":"finally"');
    expect(wire).toEndWith('event: message_stop\ndata: {"type":"message_stop"}\n\n');
    await until(() => sluice.exchanges.at(-1)?.outcome === "ok", 5000, "a clean end");
  });

  test("keeps an SDK client waiting through keep-alives", async () => {
    const stream = ask();
    const up = await backend.next();
    up.head();
    const started = Date.now();
    while (Date.now() - started < 2 * READ_TIMEOUT_S * 1000) {
      up.send(": ping\n\n");
      await Bun.sleep(100);
    }
    up.send(chunk({ role: "assistant", content: "patience" }));
    up.send(chunk({}, "stop"));
    up.end();
    expect(text(await stream.finalMessage())).toBe("patience");
  });

  test("that goes silent after it started ends in an overloaded_error event", async () => {
    const stream = ask();
    const up = await backend.next();
    up.head();
    up.send(chunk({ role: "assistant", content: "partial" }));
    const err = await failure(stream.finalMessage());
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(String((err as Error).message)).toContain("overloaded_error");
    expect(String((err as Error).message)).toContain("went silent");
    await until(() => sluice.exchanges.at(-1)?.outcome === "incomplete", 5000, "the exchange to end");
    expect(sluice.exchanges.at(-1)?.error).toContain("read timeout");
  });

  test("whose backend drops the connection ends in an api_error event", async () => {
    const stream = ask();
    const up = await backend.next();
    up.head();
    up.send(chunk({ role: "assistant", content: "partial" }));
    let gotText = false;
    stream.on("text", () => {
      gotText = true;
      up.reset();
    });
    const err = await failure(stream.finalMessage());
    expect(gotText).toBe(true);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(String((err as Error).message)).toContain("api_error");
    expect(String((err as Error).message)).toContain("dropped the connection");
  });
});
