// Gemini calls become generate_content spans: the model from the path, the provider the
// conventions name for the Gemini API, settings from generationConfig (read in the
// background, off the request path), streamed over SSE and whole.
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
  sluice = await startSluice({ SLUICE_GEMINI_BASE_URL: mock.url, ...otelEnv(rx) });
});
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
  await rx.stop();
});

const body = {
  contents: [{ role: "user", parts: [{ text: "tell me about rivers" }] }],
  generationConfig: { temperature: 0.7, maxOutputTokens: 200 },
};

async function call(action: string, query: string) {
  const r = await fetch(`${sluice.url}/v1beta/models/gemini-2.5-flash:${action}${query}`, {
    method: "POST",
    headers: { "x-goog-api-key": "client-gemini-key", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  await sluice.flushTelemetry();
  return { text, span: spanOf(rx, r.headers.get("x-sluice-request-id")!) };
}

describe("Gemini spans", () => {
  test("generateContent: generate_content, gcp.gemini, usage and response id", async () => {
    const { text, span } = await call("generateContent", "");
    const answer = JSON.parse(text);
    expect(span.name).toBe("generate_content gemini-2.5-flash");
    expect(span.attributes).toMatchObject({
      "gen_ai.operation.name": "generate_content",
      "gen_ai.provider.name": "gcp.gemini",
      "gen_ai.request.model": "gemini-2.5-flash",
      "gen_ai.response.id": answer.responseId,
      "gen_ai.response.finish_reasons": [answer.candidates[0].finishReason],
      "gen_ai.usage.output_tokens": expect.any(Number),
      "http.response.status_code": 200,
    });
    // Gemini's body is not parsed on the request path, so without content capture its
    // settings are not read.
    expect(span.attributes["gen_ai.request.temperature"]).toBeUndefined();
  });

  test("streamGenerateContent over SSE: a streamed generate_content span", async () => {
    const { span } = await call("streamGenerateContent", "?alt=sse");
    expect(span.attributes).toMatchObject({
      "gen_ai.operation.name": "generate_content",
      "gen_ai.request.stream": true,
      "gen_ai.response.id": expect.any(String),
    });
    expect(span.attributes["gen_ai.response.time_to_first_chunk"]).toBeGreaterThan(0);
  });
});
