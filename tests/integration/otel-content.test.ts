// Prompt and answer text reach spans only with SLUICE_OTEL_CAPTURE_CONTENT=on, as the GenAI
// conventions' gen_ai.system_instructions / input.messages / output.messages, and then after
// scrubbing. Canary: a unique value in every header and the Gemini ?key= never appears in any
// exported byte, nor in the headers sluice sends to the collector (only its own).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { type OtlpReceiver, otelEnv, spanOf, startOtlpReceiver } from "../helpers/otlp-receiver.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

const CANARY = `canary-${crypto.randomUUID()}`;
const GITHUB_TOKEN = `ghp_${"A1b2C3d4E5f6G7h8I9j0".repeat(2)}`.slice(0, 40);
const INTERNAL = `sk-internal-${CANARY}`;

let mock: MockServer;
beforeAll(() => {
  mock = startMockUpstream({ port: 0 });
});
afterAll(async () => {
  await mock.stop();
});

async function withSluice(
  env: Record<string, string>,
  run: (s: TestSluice, rx: OtlpReceiver) => Promise<void>,
) {
  const rx = startOtlpReceiver();
  const sluice = await startSluice({
    SLUICE_ANTHROPIC_BASE_URL: mock.url,
    SLUICE_OPENAI_BASE_URL: mock.url,
    SLUICE_GEMINI_BASE_URL: mock.url,
    ...otelEnv(rx),
    ...env,
  });
  try {
    await run(sluice, rx);
  } finally {
    await sluice.stop();
    await rx.stop();
  }
}

async function ask(sluice: TestSluice, prompt: string, headers: Record<string, string> = {}) {
  const r = await fetch(`${sluice.url}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": INTERNAL, "anthropic-version": "2023-06-01", ...headers },
    body: JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 50,
      stream: true,
      system: "Be brief.",
      messages: [{ role: "user", content: prompt }],
    }),
  });
  const text = await r.text();
  await sluice.flushTelemetry();
  return { text, id: r.headers.get("x-sluice-request-id")! };
}

const answerOf = (sse: string) =>
  sse
    .split("\n")
    .filter((l) => l.startsWith("data: {"))
    .map((l) => JSON.parse(l.slice(6)))
    .filter((o) => o.type === "content_block_delta" && o.delta.type === "text_delta")
    .map((o) => o.delta.text)
    .join("");

describe("content capture", () => {
  test("off by default: no prompt or answer on the span", async () => {
    await withSluice({ SLUICE_API_KEYS: INTERNAL }, async (sluice, rx) => {
      const { id } = await ask(sluice, "the weather in Paris");
      const s = spanOf(rx, id);
      for (const k of ["gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions"])
        expect(s.attributes[k]).toBeUndefined();
      expect(Buffer.concat(rx.requests.map((r) => r.body)).toString()).not.toContain("Paris");
    });
  });

  test("on: system, input and output as the conventions' message JSON, scrubbed first", async () => {
    await withSluice(
      { SLUICE_API_KEYS: INTERNAL, SLUICE_OTEL_CAPTURE_CONTENT: "on", SLUICE_SCRUB: "redact" },
      async (sluice, rx) => {
        const { text, id } = await ask(sluice, `deploy with ${GITHUB_TOKEN} please`);
        const s = spanOf(rx, id);
        expect(JSON.parse(s.attributes["gen_ai.system_instructions"] as string)).toEqual([
          { type: "text", content: "Be brief." },
        ]);
        const input = JSON.parse(s.attributes["gen_ai.input.messages"] as string);
        expect(input).toEqual([{ role: "user", parts: [{ type: "text", content: expect.any(String) }] }]);
        expect(input[0].parts[0].content).toContain("[REDACTED:");
        expect(JSON.parse(s.attributes["gen_ai.output.messages"] as string)).toEqual([
          {
            role: "assistant",
            parts: [{ type: "text", content: answerOf(text) }],
            finish_reason: "end_turn",
          },
        ]);
        expect(Buffer.concat(rx.requests.map((r) => r.body)).toString()).not.toContain(GITHUB_TOKEN);
      },
    );
  });

  test("on: a configured key in a prompt is swept out even without scrubbing", async () => {
    await withSluice({ SLUICE_API_KEYS: INTERNAL, SLUICE_OTEL_CAPTURE_CONTENT: "on" }, async (sluice, rx) => {
      const { id } = await ask(sluice, `my key is ${INTERNAL}`);
      const input = spanOf(rx, id).attributes["gen_ai.input.messages"] as string;
      expect(input).toContain("my key is [redacted]");
      expect(Buffer.concat(rx.requests.map((r) => r.body)).toString()).not.toContain(CANARY);
    });
  });

  test("canary: no header value and no ?key= reaches the collector, captured content or not", async () => {
    await withSluice(
      { SLUICE_OTEL_CAPTURE_CONTENT: "on", SLUICE_OTEL_HEADERS: "x-collector-token=collector-secret-1" },
      async (sluice, rx) => {
        const headers = {
          "x-api-key": CANARY,
          authorization: `Bearer ${CANARY}`,
          "x-goog-api-key": CANARY,
          cookie: `session=${CANARY}`,
          "x-custom-secret": CANARY,
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
          await post(
            `/v1beta/models/gemini-2.5-flash:${stream ? "streamGenerateContent?alt=sse&" : "generateContent?"}key=${CANARY}`,
            { contents: [{ role: "user", parts: [{ text: "hello" }] }] },
          );
        }
        await sluice.flushTelemetry();
        expect(rx.spans).toHaveLength(6);
        const everything = [
          ...rx.requests.map((r) => Buffer.from(r.body).toString("latin1")),
          ...rx.requests.map((r) => JSON.stringify(r.headers)),
        ].join("\n");
        expect(everything).toContain("hello");
        expect(everything).not.toContain(CANARY);
        expect(rx.requests.every((r) => r.headers["x-collector-token"] === "collector-secret-1")).toBe(true);
      },
    );
  });
});
