// Headers clients rely on, end to end through sluice: anthropic-version filled in for Anthropic
// when missing, and a client's x-request-id passed on (also to a routed provider) and echoed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../e2e/helpers.ts";
import { MSG } from "../helpers/config.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";

let upstream: TestUpstream;
let backend: TestUpstream;
let sluice: TestSluice;
let pinned: TestSluice;

const chatAnswer = {
  id: "chatcmpl-1",
  object: "chat.completion",
  model: "m",
  choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 3, completion_tokens: 1 },
};

beforeAll(async () => {
  upstream = startUpstream(() => Response.json({ ok: true }, { headers: { "x-request-id": "req_up_1" } }));
  backend = startUpstream(() => Response.json(chatAnswer));
  const file = join(tempDir("client-headers"), "sluice.toml");
  writeFileSync(
    file,
    `[providers.chat]\nformat = "openai"\nbase_url = "${backend.url}/v1"\n\n[[routes]]\nmatch = "routed-*"\nprovider = "chat"\n`,
  );
  const env = { SLUICE_ANTHROPIC_BASE_URL: upstream.url, SLUICE_CONFIG: file };
  sluice = await startSluice(env);
  pinned = await startSluice({ ...env, SLUICE_ANTHROPIC_VERSION: "2024-01-01" });
});
afterAll(async () => {
  await sluice.stop();
  await pinned.stop();
  await upstream.stop();
  await backend.stop();
});

const post = (base: string, headers: Record<string, string>, body = MSG) =>
  fetch(`${base}/v1/messages`, { method: "POST", headers, body });

describe("anthropic-version", () => {
  test("a request without one reaches Anthropic with 2023-06-01", async () => {
    await (await post(sluice.url, {})).text();
    expect(upstream.seen.at(-1)?.headers.get("anthropic-version")).toBe("2023-06-01");
  });
  test("SLUICE_ANTHROPIC_VERSION sets the default", async () => {
    await (await post(pinned.url, {})).text();
    expect(upstream.seen.at(-1)?.headers.get("anthropic-version")).toBe("2024-01-01");
  });
  test("a client's own version is kept", async () => {
    await (await post(pinned.url, { "anthropic-version": "2026-10-21" })).text();
    expect(upstream.seen.at(-1)?.headers.get("anthropic-version")).toBe("2026-10-21");
  });
});

describe("x-request-id", () => {
  test("is passed to Anthropic and echoed beside x-sluice-request-id", async () => {
    const r = await post(sluice.url, { "x-request-id": "client-run-1" });
    await r.text();
    expect(upstream.seen.at(-1)?.headers.get("x-request-id")).toBe("client-run-1");
    expect(r.headers.get("x-request-id")).toBe("client-run-1");
    expect(r.headers.get("x-sluice-upstream-request-id")).toBe("req_up_1");
    expect(r.headers.get("x-sluice-request-id")).toBeTruthy();
  });
  test("without one, the upstream's own id passes as it came", async () => {
    const r = await post(sluice.url, {});
    await r.text();
    expect(r.headers.get("x-request-id")).toBe("req_up_1");
    expect(r.headers.has("x-sluice-upstream-request-id")).toBe(false);
  });
  test("reaches a routed provider and comes back on the translated answer", async () => {
    const body = JSON.stringify({ ...JSON.parse(MSG), model: "routed-1" });
    const r = await post(sluice.url, { "x-request-id": "client-run-2" }, body);
    expect(r.status).toBe(200);
    await r.text();
    expect(backend.seen.at(-1)?.headers.get("x-request-id")).toBe("client-run-2");
    expect(r.headers.get("x-request-id")).toBe("client-run-2");
  });
  test("is echoed on an error sluice makes itself", async () => {
    const r = await post(sluice.url, { "x-request-id": "client-run-3" }, "{not json");
    expect(r.status).toBe(400);
    expect(r.headers.get("x-request-id")).toBe("client-run-3");
  });
});
