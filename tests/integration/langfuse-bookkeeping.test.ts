// count_tokens and model lists are bookkeeping: they reach upstream but not Langfuse.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { type FakeLangfuse, langfuseEnv, startFakeLangfuse } from "../helpers/fake-langfuse.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

let mock: MockServer;
let lf: FakeLangfuse;
let sluice: TestSluice;
beforeAll(async () => {
  mock = startMockUpstream({ port: 0 });
  lf = startFakeLangfuse();
  sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: mock.url, ...langfuseEnv(lf) });
});
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
  await lf.stop();
});

describe("Langfuse bookkeeping calls", () => {
  test("count_tokens and GET /v1/models are not traced; the message is", async () => {
    const headers = { "anthropic-version": "2023-06-01", "x-api-key": "k" };
    const messages = [{ role: "user", content: "hello" }];
    await (
      await fetch(`${sluice.url}/v1/messages/count_tokens`, {
        method: "POST",
        headers,
        body: JSON.stringify({ model: "claude-sonnet-4-5", messages }),
      })
    ).text();
    await (await fetch(`${sluice.url}/v1/models`, { headers })).text();
    await (
      await fetch(`${sluice.url}/v1/messages`, {
        method: "POST",
        headers,
        body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 10, messages }),
      })
    ).text();
    await sluice.flushTelemetry();
    expect(mock.requests.length).toBe(3);
    expect(lf.traces.size).toBe(1);
    expect([...lf.traces.values()][0]?.name).toBe("POST /v1/messages");
  });
});
