// Canary: a unique value in every request header (x-api-key, authorization, x-goog-api-key,
// cookies, custom headers) and in the Gemini ?key= never appears in any Langfuse payload or in
// the headers sluice sends to Langfuse — with the key gate and override keys, and in passthrough.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { type FakeLangfuse, langfuseEnv, startFakeLangfuse } from "../helpers/fake-langfuse.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

const CANARY = `canary-${crypto.randomUUID()}`;
const INTERNAL = `sk-internal-${CANARY}`;
const OVERRIDE = `sk-override-${CANARY}`;

let mock: MockServer;
beforeAll(() => {
  mock = startMockUpstream({ port: 0 });
});
afterAll(async () => {
  await mock.stop();
});

/** One call per API and mode, every header carrying a canary. */
async function traffic(sluice: TestSluice, key: string) {
  const headers = {
    "x-api-key": key,
    authorization: `Bearer ${key}`,
    "x-goog-api-key": key,
    cookie: `session=${CANARY}`,
    "x-custom-secret": CANARY,
    "x-claude-code-session-id": "session-visible",
    "user-agent": `agent/${CANARY}`,
  };
  const post = (path: string, body: unknown, extra: Record<string, string> = {}) =>
    fetch(`${sluice.url}${path}`, {
      method: "POST",
      headers: { ...headers, ...extra },
      body: JSON.stringify(body),
    }).then((r) => r.text());
  const messages = [{ role: "user", content: "hello" }];
  for (const stream of [false, true]) {
    await post(
      "/v1/messages",
      { model: "claude-sonnet-4-5", max_tokens: 20, stream, messages },
      { "anthropic-version": "2023-06-01" },
    );
    await post("/v1/chat/completions", { model: "gpt-4.1", stream, messages });
    await post("/v1/responses", { model: "gpt-4.1", stream, input: "hello" });
    await post(
      `/v1beta/models/gemini-2.5-flash:${stream ? "streamGenerateContent?alt=sse&" : "generateContent?"}key=${key}`,
      { contents: [{ role: "user", parts: [{ text: "hello" }] }] },
    );
  }
  await post(
    "/v1/messages",
    { model: "claude-sonnet-4-5", max_tokens: 20, messages },
    {
      "anthropic-version": "2023-06-01",
      "x-mock-status": "500",
    },
  );
  await sluice.flushTelemetry();
}

function expectNoCanary(lf: FakeLangfuse, expectedTraces: number) {
  expect(lf.generations.size).toBe(expectedTraces);
  const everything = [...lf.raw, ...lf.headers.map((h) => JSON.stringify(h))].join("\n");
  expect(everything).toContain("session-visible");
  expect(everything).not.toContain(CANARY);
  // Not even caught by the last-line redaction: headers never get in at all.
  expect(everything).not.toContain("[redacted]");
}

describe("no header value reaches Langfuse", () => {
  test("with the key gate and upstream override keys", async () => {
    const lf = startFakeLangfuse();
    const sluice = await startSluice({
      SLUICE_ANTHROPIC_BASE_URL: mock.url,
      SLUICE_OPENAI_BASE_URL: mock.url,
      SLUICE_GEMINI_BASE_URL: mock.url,
      SLUICE_API_KEYS: `carol=${INTERNAL}`,
      SLUICE_ANTHROPIC_API_KEY: OVERRIDE,
      SLUICE_OPENAI_API_KEY: OVERRIDE,
      SLUICE_GEMINI_API_KEY: OVERRIDE,
      ...langfuseEnv(lf),
    });
    try {
      await traffic(sluice, INTERNAL);
      expectNoCanary(lf, 9);
      expect([...lf.traces.values()].every((t) => t.userId === "carol")).toBe(true);
    } finally {
      await sluice.stop();
      await lf.stop();
    }
  });

  test("in passthrough, where the client's own key goes upstream", async () => {
    const lf = startFakeLangfuse();
    const sluice = await startSluice({
      SLUICE_ANTHROPIC_BASE_URL: mock.url,
      SLUICE_OPENAI_BASE_URL: mock.url,
      SLUICE_GEMINI_BASE_URL: mock.url,
      ...langfuseEnv(lf),
    });
    try {
      await traffic(sluice, `sk-client-${CANARY}`);
      expectNoCanary(lf, 9);
    } finally {
      await sluice.stop();
      await lf.stop();
    }
  });
});
