// Gemini traffic becomes Langfuse traces: generateContent with thoughts, streamGenerateContent
// over SSE and as one JSON array; the model comes from the path, the query string never shows.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { type FakeLangfuse, langfuseEnv, startFakeLangfuse, tracedAs } from "../helpers/fake-langfuse.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

let mock: MockServer;
let lf: FakeLangfuse;
let sluice: TestSluice;
beforeAll(async () => {
  mock = startMockUpstream({ port: 0 });
  lf = startFakeLangfuse();
  sluice = await startSluice({ SLUICE_GEMINI_BASE_URL: mock.url, ...langfuseEnv(lf) });
});
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
  await lf.stop();
});

const body = {
  contents: [{ role: "user", parts: [{ text: "tell me about rivers" }] }],
  generationConfig: { temperature: 0.7, maxOutputTokens: 200, thinkingConfig: { includeThoughts: true } },
};

async function call(action: string, query: string) {
  const r = await fetch(`${sluice.url}/v1beta/models/gemini-2.5-flash:${action}${query}`, {
    method: "POST",
    headers: { "x-goog-api-key": "client-gemini-key", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  const id = r.headers.get("x-sluice-request-id")!;
  await sluice.flushTelemetry();
  return { text, id, ...tracedAs(lf, id) };
}

const partsOf = (
  chunks: { candidates: { content: { parts: { text?: string; thought?: boolean }[] } }[] }[],
) => {
  const parts = chunks.flatMap((c) => c.candidates[0]!.content.parts);
  return {
    content: parts
      .filter((p) => !p.thought)
      .map((p) => p.text)
      .join(""),
    thinking: parts
      .filter((p) => p.thought)
      .map((p) => p.text)
      .join(""),
  };
};

describe("Gemini traces", () => {
  test("generateContent: model from the path, thoughts apart from the answer, usage", async () => {
    const { text, trace, generation } = await call("generateContent", "");
    const answer = JSON.parse(text);
    expect(trace).toMatchObject({ name: "POST /v1beta/models/{model}:generateContent", tags: ["gemini"] });
    expect(generation).toMatchObject({
      model: "gemini-2.5-flash",
      input: body,
      output: { role: "assistant", ...partsOf([answer]) },
      modelParameters: { temperature: 0.7, maxOutputTokens: 200, stream: false },
      metadata: { path: "/v1beta/models/gemini-2.5-flash:generateContent", api: "gemini" },
    });
    const u = answer.usageMetadata;
    expect((generation.usageDetails as { total: number }).total).toBe(u.totalTokenCount);
  });

  test("streamGenerateContent over SSE assembles every chunk; ?key= never shows", async () => {
    const { text, generation } = await call("streamGenerateContent", "?alt=sse&key=query-canary-123");
    const chunks = text
      .split(/\r?\n/)
      .filter((l) => l.startsWith("data: "))
      .map((l) => JSON.parse(l.slice(6)));
    expect(generation.output).toEqual({ role: "assistant", ...partsOf(chunks) });
    expect(generation.modelParameters).toMatchObject({ stream: true });
    expect(lf.raw.join("\n")).not.toContain("query-canary-123");
  });

  test("streamGenerateContent without alt=sse (one JSON array) reads the same", async () => {
    const { text, generation } = await call("streamGenerateContent", "");
    expect(generation.output).toEqual({ role: "assistant", ...partsOf(JSON.parse(text)) });
  });
});
