// A routed provider's key pool (api_key_env = ["A", "B"]): the real Anthropic SDK asks for a
// routed model, the mock upstream's fault table rate-limits the provider's first key, and the
// same call goes on with the second key, translated, streamed or not.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { tempDir } from "../e2e/helpers.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { setMockFaults } from "../helpers/upstream.ts";

let mock: MockServer;
let sluice: TestSluice;
let client: Anthropic;

beforeAll(async () => {
  mock = startMockUpstream({ port: 0 });
  const file = join(tempDir("pool-routes"), "sluice.toml");
  writeFileSync(
    file,
    `[providers.pool]
preset = "openrouter"
base_url = "${mock.url}/v1"
api_key_env = ["POOL_KEY_A", "POOL_KEY_B"]

[[routes]]
match = "pooled-*"
provider = "pool"
model = "vendor/model"
`,
  );
  sluice = await startSluice({ SLUICE_CONFIG: file, POOL_KEY_A: "sk-pool-a", POOL_KEY_B: "sk-pool-b" });
  client = new Anthropic({ baseURL: sluice.url, apiKey: "sk-ant-client", maxRetries: 0 });
});
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
});
beforeEach(async () => {
  await fetch(`${mock.url}/__mock/reset`, { method: "POST" });
  const faults = [{ key: "sk-pool-a", status: 429, retryAfter: "60" }];
  const r = await setMockFaults(mock.url, faults);
  expect(r.status).toBe(200);
  sluice.app.reload(sluice.config);
});

const keysSeen = () =>
  mock.requests.filter((q) => q.path === "/v1/chat/completions").map((q) => q.headers.authorization);
const params = {
  model: "pooled-small",
  max_tokens: 64,
  messages: [{ role: "user" as const, content: "hello pool" }],
};

describe("a provider's key pool", () => {
  test("a rate-limited first key: the SDK gets the answer through the second, at once", async () => {
    const { data, response } = await client.messages.create(params).withResponse();
    expect(data.content[0]?.type === "text" && data.content[0].text).toStartWith("Mock reply to: hello pool");
    expect(response.headers.get("x-sluice-provider")).toBe("pool");
    expect(keysSeen()).toEqual(["Bearer sk-pool-a", "Bearer sk-pool-b"]);
    await client.messages.create(params);
    expect(keysSeen()).toEqual(["Bearer sk-pool-a", "Bearer sk-pool-b", "Bearer sk-pool-b"]);
  });

  test("streamed the same way: every delta arrives, translated", async () => {
    const stream = client.messages.stream(params);
    const deltas: string[] = [];
    stream.on("text", (t) => deltas.push(t));
    const final = await stream.finalMessage();
    expect(deltas.join("")).toStartWith("Mock reply to: hello pool");
    expect(final.content[0]?.type === "text" && final.content[0].text).toBe(deltas.join(""));
    expect(final.stop_reason).toBe("end_turn");
    expect(keysSeen()).toEqual(["Bearer sk-pool-a", "Bearer sk-pool-b"]);
  });

  test("both keys resting: the SDK sees a rate_limit_error with the wait", async () => {
    const faults = [{ path: "/v1/chat/completions", status: 429, retryAfter: "30" }];
    await setMockFaults(mock.url, faults);
    const err = await client.messages.create(params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    const second = await client.messages.create(params).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(Anthropic.RateLimitError);
    expect((second as InstanceType<typeof Anthropic.RateLimitError>).headers.get("retry-after")).toMatch(
      /^\d+$/,
    );
    expect(keysSeen()).toHaveLength(2);
  });
});
