// The compiled binary over real TLS, driven by the real SDKs under Node exactly as users
// configure them: base URL env var plus NODE_EXTRA_CA_CERTS.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { needTool } from "../helpers/tools.ts";
import {
  type Proc,
  requireBinary,
  runNodeClient,
  type SluiceBinary,
  startMockBinary,
  startSluiceBinary,
} from "./helpers.ts";

const hasCurl = needTool("curl", Bun.which("curl") !== null, "apt-get install -y curl");
let mock: { url: string; proc: Proc };
let sluice: SluiceBinary;

beforeAll(async () => {
  requireBinary();
  mock = await startMockBinary();
  sluice = await startSluiceBinary({
    SLUICE_ANTHROPIC_BASE_URL: mock.url,
    SLUICE_OPENAI_BASE_URL: mock.url,
    SLUICE_GEMINI_BASE_URL: mock.url,
  });
});
afterAll(async () => {
  await sluice?.proc.stop();
  await mock?.proc.stop();
});

describe("compiled binary over TLS", () => {
  test("the Anthropic SDK works as if talking to Anthropic: JSON, stream, count_tokens, models, tools", async () => {
    const r = (await runNodeClient("anthropic.mjs", {
      ANTHROPIC_BASE_URL: sluice.url,
      ANTHROPIC_API_KEY: "sk-ant-test",
      NODE_EXTRA_CA_CERTS: sluice.cert,
    })) as Record<string, unknown>;
    expect(r.text).toStartWith("Mock reply to: Say hello through sluice");
    expect(r.streamedText).toBe(r.text);
    expect(r.finalText).toBe(r.text);
    expect(r.streamUsage).toEqual(r.usage);
    expect(r.countTokens).toBeGreaterThan(0);
    expect((r.models as string[]).length).toBeGreaterThan(0);
    expect(r.toolUse).toMatchObject({ type: "tool_use", name: "get_weather", input: { city: "mock" } });
    expect(r.stopReason).toBe("tool_use");
  }, 30_000);

  test("the OpenAI SDK works: chat JSON and stream with usage, embeddings", async () => {
    const r = (await runNodeClient("openai.mjs", {
      OPENAI_BASE_URL: `${sluice.url}/v1`,
      OPENAI_API_KEY: "sk-test",
      NODE_EXTRA_CA_CERTS: sluice.cert,
    })) as Record<string, unknown>;
    expect(r.text).toStartWith("Mock reply to: Say hello through sluice");
    expect(r.streamed).toBe(r.text);
    // sluice asked upstream for usage on the client's behalf.
    expect(r.streamUsage).toEqual(r.usage);
    expect(r.embeddingLength).toBe(1536);
  }, 30_000);

  test("without the CA the SDK refuses the self-signed cert (the hint matters)", async () => {
    const failure = await runNodeClient("anthropic.mjs", {
      ANTHROPIC_BASE_URL: sluice.url,
      ANTHROPIC_API_KEY: "k",
      ANTHROPIC_MAX_RETRIES: "0",
    }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    // Node's own words for an untrusted self-signed leaf, under the SDK's connection error: not
    // a refused connection, a plain-HTTP answer or a crash.
    expect(failure).toContain("APIConnectionError");
    expect(failure).toContain("DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(failure).toContain("self-signed certificate");
  }, 60_000);

  test("Gemini streaming and plain requests pass through", async () => {
    const r = await sluice.fetch("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": "g" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hello gemini" }] }] }),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/event-stream");
    expect(await r.text()).toContain("usageMetadata");
  });

  test("every response carries a request id and the log has one JSON line per request", async () => {
    const r = await sluice.fetch("/v1/models", { headers: { "anthropic-version": "2023-06-01" } });
    const id = r.headers.get("x-sluice-request-id");
    expect(id).toBeTruthy();
    await r.text();
    const line = await sluice.proc.waitForOutput(new RegExp(`\\{[^\\n]*"id":"${id}"[^\\n]*\\}`));
    const entry = JSON.parse(line);
    expect(entry).toMatchObject({
      msg: "request",
      method: "GET",
      path: "/v1/models",
      upstream: "anthropic",
      status: 200,
    });
    expect(typeof entry.duration_ms).toBe("number");
  });

  test("a streamed answer's Server-Timing shows the upstream's wait, and its log line the same numbers", async () => {
    const r = await sluice.fetch("/v1/messages", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "anthropic-version": "2023-06-01",
        "x-api-key": "k",
        "x-mock-latency-ms": "30",
      },
      body: JSON.stringify({
        model: "claude-sonnet-4-5",
        max_tokens: 16,
        stream: true,
        messages: [{ role: "user", content: "timing" }],
      }),
    });
    const timing = r.headers.get("server-timing") ?? "";
    const dur = (name: string) => Number(new RegExp(`${name};dur=([\\d.]+)`).exec(timing)?.[1]);
    expect(dur("sluice")).toBeGreaterThanOrEqual(0);
    expect(dur("upstream")).toBeGreaterThanOrEqual(29);
    const id = r.headers.get("x-sluice-request-id");
    await r.text();
    const line = await sluice.proc.waitForOutput(new RegExp(`\\{[^\\n]*"id":"${id}"[^\\n]*\\}`));
    const entry = JSON.parse(line);
    expect(entry.sluice_ms).toBe(dur("sluice"));
    expect(entry.upstream_ttfb_ms).toBe(dur("upstream"));
  });

  test.skipIf(!hasCurl)("curl works with --cacert", async () => {
    const p = Bun.spawnSync([
      "curl",
      "-sS",
      "--cacert",
      sluice.cert,
      `${sluice.url}/v1/messages`,
      "-H",
      "content-type: application/json",
      "-H",
      "anthropic-version: 2023-06-01",
      "-d",
      JSON.stringify({
        model: "claude-haiku-4-5",
        max_tokens: 50,
        messages: [{ role: "user", content: "hi curl" }],
      }),
    ]);
    expect(p.exitCode).toBe(0);
    expect(JSON.parse(p.stdout.toString()).content[0].text).toStartWith("Mock reply to: hi curl");
  });
});
