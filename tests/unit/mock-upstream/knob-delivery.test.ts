import { describe, expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import OpenAI from "openai";
import { postJson, sseJson, useMock } from "./helpers.ts";

const mock = useMock();
const chat = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };

describe("x-mock-gzip", () => {
  test("gzips a JSON body with content-encoding that matches the bytes", async () => {
    const res = await postJson(
      `${mock.current.url}/v1/chat/completions`,
      chat,
      { "x-mock-gzip": "1" },
      {
        decompress: false,
      },
    );
    expect(res.headers.get("content-encoding")).toBe("gzip");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Number(res.headers.get("content-length"))).toBe(bytes.length);
    expect(JSON.parse(gunzipSync(bytes).toString()).object).toBe("chat.completion");
  });

  test("gzips a stream that a decompressing client reads event by event", async () => {
    const res = await postJson(
      `${mock.current.url}/v1/chat/completions`,
      { ...chat, stream: true },
      { "x-mock-gzip": "1" },
    );
    expect(res.headers.get("content-encoding")).toBe("gzip");
    const text = await res.text();
    expect(sseJson(text).length).toBe(1 + 8 + 1);
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });
});

describe("x-mock-redirect", () => {
  test("answers 302 with the given location", async () => {
    const res = await postJson(
      `${mock.current.url}/v1/messages`,
      {},
      { "x-mock-redirect": "http://127.0.0.1:9/elsewhere" },
      {
        redirect: "manual",
      },
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("http://127.0.0.1:9/elsewhere");
    expect(res.headers.get("x-mock-upstream")).toBe("1");
  });
});

describe("x-mock-body-bytes", () => {
  test("pads a non-streamed answer to the requested size and keeps it valid for the SDK", async () => {
    const res = await postJson(`${mock.current.url}/v1/chat/completions`, chat, {
      "x-mock-body-bytes": "20000",
    });
    const text = await res.text();
    expect(text.length).toBe(20000);
    expect(JSON.parse(text).mock_padding).toMatch(/^x+$/);
    const client = new OpenAI({
      baseURL: `${mock.current.url}/v1`,
      apiKey: "x",
      maxRetries: 0,
      defaultHeaders: { "x-mock-body-bytes": "50000" },
    });
    const done = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "big" }],
    });
    expect(done.choices[0]?.message.content).toStartWith("Mock reply to: big");
  });
});

describe("x-mock-latency-ms and x-mock-gap-ms", () => {
  test("waits at least the latency before the response headers", async () => {
    const started = performance.now();
    const res = await postJson(`${mock.current.url}/v1/chat/completions`, chat, {
      "x-mock-latency-ms": "40",
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    await res.arrayBuffer();
  });

  test("spaces stream events by at least the gap", async () => {
    const res = await postJson(
      `${mock.current.url}/v1/chat/completions`,
      { ...chat, stream: true },
      { "x-mock-gap-ms": "15", "x-mock-events": "2" },
    );
    const started = performance.now();
    await res.text();
    // 1 role chunk + 2 text chunks + finish chunk + [DONE] = 5 frames, so 4 gaps.
    expect(performance.now() - started).toBeGreaterThanOrEqual(4 * 15 - 5);
  });
});
