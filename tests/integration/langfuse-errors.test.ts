// Failed calls are traced at level ERROR with the reason as status message: an upstream 5xx, an
// upstream 4xx, an error event inside a 200 stream, an unreachable upstream. Retries are counted.
// Calls sluice refuses itself (a bad key) are not traced.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import {
  deadUrl,
  type FakeLangfuse,
  langfuseEnv,
  startFakeLangfuse,
  tracedAs,
} from "../helpers/fake-langfuse.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

const KEY = "sk-sluice-bob-0123456789";
let mock: MockServer;
let lf: FakeLangfuse;
let sluice: TestSluice;
beforeAll(async () => {
  mock = startMockUpstream({ port: 0 });
  lf = startFakeLangfuse();
  sluice = await startSluice({
    SLUICE_ANTHROPIC_BASE_URL: mock.url,
    SLUICE_OPENAI_BASE_URL: await deadUrl(),
    SLUICE_RETRY_MAX: "2",
    SLUICE_API_KEYS: `bob=${KEY}`,
    ...langfuseEnv(lf),
  });
});
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
  await lf.stop();
});

async function call(path: string, body: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(`${sluice.url}${path}`, {
    method: "POST",
    headers: {
      "x-api-key": KEY,
      ...(path === "/v1/messages" ? { "anthropic-version": "2023-06-01" } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  const id = r.headers.get("x-sluice-request-id")!;
  await sluice.flushTelemetry();
  return { status: r.status, text, id };
}

const message = (stream = false) => ({
  model: "claude-sonnet-4-5",
  max_tokens: 50,
  stream,
  messages: [{ role: "user", content: "hello" }],
});

describe("failures in traces", () => {
  test("an upstream 500 is an ERROR with the upstream's error as output", async () => {
    const { status, id } = await call("/v1/messages", message(), { "x-mock-status": "500" });
    expect(status).toBe(500);
    const { generation } = tracedAs(lf, id);
    expect(generation).toMatchObject({ level: "ERROR", metadata: { status: 500, outcome: "error" } });
    expect(generation.statusMessage).toEqual(expect.any(String));
    expect(generation.output).toEqual({ error: expect.anything() });
  });

  test("an upstream 4xx is an ERROR too", async () => {
    const { status, id } = await call("/v1/messages", message(), { "x-mock-status": "429" });
    expect(status).toBe(429);
    expect(tracedAs(lf, id).generation).toMatchObject({ level: "ERROR" });
  });

  test("an error event inside a 200 stream is an ERROR with its summary", async () => {
    const { status, id } = await call("/v1/messages", message(true), { "x-mock-stream-error": "2" });
    expect(status).toBe(200);
    const { generation } = tracedAs(lf, id);
    expect(generation.level).toBe("ERROR");
    expect(generation.statusMessage).toContain("overloaded");
  });

  test("an unreachable upstream is an ERROR with sluice's reason, retries counted, no output", async () => {
    const { status, id } = await call(
      "/v1/chat/completions",
      { model: "gpt-4.1", messages: [{ role: "user", content: "hi" }] },
      { authorization: `Bearer ${KEY}` },
    );
    expect(status).toBe(502);
    const { generation } = tracedAs(lf, id);
    expect(generation).toMatchObject({
      level: "ERROR",
      input: { model: "gpt-4.1", messages: [{ role: "user", content: "hi" }] },
      metadata: { status: 502, outcome: "error", retries: 2 },
    });
    expect(generation.statusMessage).toEqual(expect.stringContaining("127.0.0.1"));
    expect(generation.output).toBeUndefined();
  });

  test("a call sluice refused (bad key) is not traced", async () => {
    const before = lf.generations.size;
    const { status } = await call("/v1/messages", message(), { "x-api-key": "wrong-key" });
    expect(status).toBe(401);
    expect(lf.generations.size).toBe(before);
  });
});
