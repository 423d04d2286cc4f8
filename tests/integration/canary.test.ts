// RELIABILITY.md #19: a unique value in every header and, as a secret, in the body never
// appears in logs, metric labels, /metrics, Langfuse payloads or error text — scrubbing on.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLogger } from "../../src/log.ts";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { ALNUM, fake, j } from "../fixtures/scrub/fake.ts";
import { type FakeLangfuse, langfuseEnv, startFakeLangfuse } from "../helpers/fake-langfuse.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

// Token-shaped, so the body copy is a secret the scrubber must catch; unique per run.
const CANARY = j("gh", "p_", fake(ALNUM, 36, Date.now() % 100000));
const INTERNAL = `internal-${CANARY}`;

let mock: MockServer;
let lf: FakeLangfuse;
let sluice: TestSluice;
const lines: string[] = [];

beforeAll(async () => {
  mock = startMockUpstream({ port: 0 });
  lf = startFakeLangfuse();
  sluice = await startSluice(
    {
      SLUICE_ANTHROPIC_BASE_URL: mock.url,
      SLUICE_OPENAI_BASE_URL: mock.url,
      SLUICE_GEMINI_BASE_URL: mock.url,
      SLUICE_API_KEYS: `alice=${INTERNAL}`,
      SLUICE_SCRUB: "redact",
      ...langfuseEnv(lf),
    },
    { admin: true, log: createLogger({ level: "debug", format: "json", write: (l) => lines.push(l) }) },
  );
});
afterAll(async () => {
  await sluice.stop();
  await lf.stop();
  await mock.stop();
});

const headers = {
  authorization: `Bearer ${INTERNAL}`,
  "x-custom": CANARY,
  cookie: `c=${CANARY}`,
  "user-agent": `ua/${CANARY}`,
  "x-claude-code-session-id": "visible-session",
  "anthropic-version": "2023-06-01",
};
const post = (path: string, body: unknown, extra: Record<string, string> = {}) =>
  fetch(`${sluice.url}${path}`, {
    method: "POST",
    headers: { ...headers, ...extra },
    body: JSON.stringify(body),
  });

describe("the canary", () => {
  test("never appears in logs, metrics, Langfuse or sluice's error text", async () => {
    const messages = [{ role: "user", content: `my token is ${CANARY} ok` }];
    const answers: string[] = [];
    for (const stream of [false, true]) {
      answers.push(
        await (
          await post("/v1/messages", { model: "claude-sonnet-4-5", max_tokens: 20, stream, messages })
        ).text(),
      );
      answers.push(await (await post("/v1/chat/completions", { model: "gpt-4.1", stream, messages })).text());
    }
    // sluice-made errors: a bad request echoing a canary-bearing field, a wrong key, an upstream failure
    const bad = await post("/v1/messages", { model: "claude-sonnet-4-5", max_tokens: CANARY, messages });
    expect(bad.status).toBe(400);
    const badText = await bad.text();
    const wrongKey = await post(
      "/v1/messages",
      { model: "m", max_tokens: 1, messages },
      { authorization: `Bearer ${CANARY}` },
    );
    expect(wrongKey.status).toBe(401);
    const failed = await post(
      "/v1/messages",
      { model: "claude-sonnet-4-5", max_tokens: 20, messages },
      { "x-mock-status": "500" },
    );
    const failedText = await failed.text();
    await sluice.flushTelemetry();

    const metricsJson = await (await fetch(`${sluice.adminUrl}/metrics?recent=500`)).text();
    const prom = await (await fetch(`${sluice.adminUrl}/metrics/prometheus`)).text();
    // Client headers are the client's business with its provider; bodies are scrubbed.
    const upstreamSaw = mock.requests.map((r) => r.body).join("\n");

    expect(lines.length).toBeGreaterThan(5);
    for (const [where, text] of [
      ["logs", lines.join("\n")],
      ["/metrics", metricsJson],
      ["prometheus", prom],
      ["langfuse", lf.raw.join("\n")],
      ["error text", badText + (await wrongKey.text()) + failedText],
      ["upstream bodies", upstreamSaw],
    ] as const) {
      if (text.includes(CANARY))
        throw new Error(
          `canary leaked into ${where}: ${text.slice(Math.max(0, text.indexOf(CANARY) - 300), text.indexOf(CANARY) + 60)}`,
        );
    }
    expect(lf.raw.join("\n")).toContain("visible-session");
    expect(upstreamSaw).toContain("[REDACTED:github_token]");
    // Redaction is one-way: the client sees the marker, not its secret.
    expect(answers.join("")).not.toContain(CANARY);
  });
});
