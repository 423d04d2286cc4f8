// With scrubbing on, Langfuse sees the request as it was forwarded: the secret in the prompt is
// a placeholder in the input, and the output holds the placeholder too, even though the client
// gets its own value restored.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { ALNUM, fake } from "../fixtures/scrub/fake.ts";
import { type FakeLangfuse, langfuseEnv, startFakeLangfuse, tracedAs } from "../helpers/fake-langfuse.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

// Assembled at run time so no token-shaped string sits in the source.
const SECRET = ["gh", "p_", fake(ALNUM, 36, 77)].join("");
let mock: MockServer;
let lf: FakeLangfuse;
let sluice: TestSluice;
beforeAll(async () => {
  mock = startMockUpstream({ port: 0 });
  lf = startFakeLangfuse();
  sluice = await startSluice({
    SLUICE_ANTHROPIC_BASE_URL: mock.url,
    SLUICE_SCRUB: "pseudonymize",
    ...langfuseEnv(lf),
  });
});
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
  await lf.stop();
});

test("the scrubbed body is the input, and no secret reaches Langfuse by input or output", async () => {
  const r = await fetch(`${sluice.url}/v1/messages`, {
    method: "POST",
    headers: { "anthropic-version": "2023-06-01" },
    body: JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 50,
      messages: [{ role: "user", content: `${SECRET} is my token` }],
    }),
  });
  const answer = await r.text();
  expect(answer).toContain(SECRET);
  await sluice.flushTelemetry();
  const { generation } = tracedAs(lf, r.headers.get("x-sluice-request-id")!);
  const prompt = (generation.input as { messages: { content: string }[] }).messages[0]!.content;
  expect(prompt).not.toContain(SECRET);
  expect(prompt).toEndWith(" is my token");
  expect((generation.output as { content: string }).content).toContain(prompt.split(" ")[0]!);
  expect(lf.raw.join("\n")).not.toContain(SECRET);
});
