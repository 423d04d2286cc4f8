// Secret scrubbing end to end in-process: the upstream never sees a planted secret, the
// client gets it back (JSON and streams), compressed bodies are scrubbed, oversize refused.
import { afterEach, describe, expect, test } from "bun:test";
import { gzipSync } from "node:zlib";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { ALNUM, fake, j } from "../fixtures/scrub/fake.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

const SECRET = j("gh", "p_", fake(ALNUM, 36, 77));
let mock: MockServer | undefined;
let sluice: TestSluice | undefined;
afterEach(async () => {
  await sluice?.stop();
  await mock?.stop();
  sluice = mock = undefined;
});

async function setup(env: Record<string, string>) {
  mock = startMockUpstream({ port: 0 });
  sluice = await startSluice({
    SLUICE_ANTHROPIC_BASE_URL: mock.url,
    SLUICE_OPENAI_BASE_URL: mock.url,
    SLUICE_SCRUB_HMAC_KEY: "ab".repeat(32),
    ...env,
  });
  return { mock, sluice };
}

const ask = (text: string, stream = false) =>
  JSON.stringify({
    model: "claude-sonnet-4-5",
    max_tokens: 100,
    stream,
    messages: [{ role: "user", content: text }],
  });

describe("scrubbing", () => {
  test("pseudonymize: upstream sees a placeholder, the client gets the real value back (JSON)", async () => {
    const { mock, sluice } = await setup({ SLUICE_SCRUB: "pseudonymize" });
    const r = await fetch(`${sluice.url}/v1/messages`, {
      method: "POST",
      body: ask(`token ${SECRET} please`),
    });
    const body = await r.json();
    expect(mock.requests.at(-1)!.body).not.toContain(SECRET);
    expect(mock.requests.at(-1)!.body).toMatch(/SLUICE_GITHUB_TOKEN_[A-Z2-7]{10}/);
    expect(body.content[0].text).toContain(SECRET);
    const [ex] = await sluice.waitForExchanges(1);
    expect(ex!.scrubHits).toEqual({ github_token: 1 });
  });

  test("pseudonymize: streamed answers are restored too, and pseudonyms are stable across requests", async () => {
    const { mock, sluice } = await setup({ SLUICE_SCRUB: "pseudonymize" });
    const r = await fetch(`${sluice.url}/v1/messages`, {
      method: "POST",
      body: ask(`token ${SECRET} please`, true),
      headers: { "x-mock-events": "12" },
    });
    const text = await r.text();
    expect(text).toContain(SECRET.slice(0, 10));
    const deltas = [...text.matchAll(/"text":"([^"]*)"/g)].map((m) => m[1]).join("");
    expect(deltas).toContain(SECRET);
    expect(deltas).not.toContain("SLUICE_");
    const first = mock.requests.at(-1)!.body;
    await (
      await fetch(`${sluice.url}/v1/messages`, { method: "POST", body: ask(`token ${SECRET} please`, true) })
    ).text();
    expect(mock.requests.at(-1)!.body).toBe(first);
  });

  test("redact: the secret is replaced one way", async () => {
    const { mock, sluice } = await setup({ SLUICE_SCRUB: "redact" });
    const r = await fetch(`${sluice.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "gpt-4.1", messages: [{ role: "user", content: `key ${SECRET}` }] }),
    });
    expect(r.status).toBe(200);
    const seen = mock.requests.at(-1)!.body;
    expect(seen).not.toContain(SECRET);
    expect(seen).toContain("[REDACTED:github_token]");
  });

  test("a gzip request body is decompressed, scrubbed and forwarded plain", async () => {
    const { mock, sluice } = await setup({ SLUICE_SCRUB: "redact" });
    const r = await fetch(`${sluice.url}/v1/messages`, {
      method: "POST",
      body: gzipSync(ask(`token ${SECRET}`)),
      headers: { "content-encoding": "gzip", "content-type": "application/json" },
    });
    expect(await r.text()).toContain("Mock reply");
    expect(r.status).toBe(200);
    const seen = mock.requests.at(-1)!;
    expect(seen.body).not.toContain(SECRET);
    expect(seen.headers["content-encoding"]).toBeUndefined();
  });

  test("an encoding sluice cannot read is refused with 415, never forwarded", async () => {
    const { mock, sluice } = await setup({ SLUICE_SCRUB: "redact" });
    const r = await fetch(`${sluice.url}/v1/messages`, {
      method: "POST",
      body: ask(SECRET),
      headers: { "content-encoding": "compress" },
    });
    expect(r.status).toBe(415);
    expect((await r.json()).type).toBe("error");
    expect(mock.requests.length).toBe(0);
  });

  test("a body too large to scrub gets 413 unless pass-through was chosen", async () => {
    const first = await setup({ SLUICE_SCRUB: "redact", SLUICE_SCRUB_MAX_BODY_BYTES: "200" });
    const mock = first.mock;
    const big = ask(`${SECRET} ${"x".repeat(300)}`);
    const r = await fetch(`${first.sluice.url}/v1/messages`, { method: "POST", body: big });
    expect(r.status).toBe(413);
    expect(mock.requests.length).toBe(0);
    await first.sluice.stop();
    sluice = await startSluice({
      SLUICE_ANTHROPIC_BASE_URL: mock.url,
      SLUICE_SCRUB: "redact",
      SLUICE_SCRUB_MAX_BODY_BYTES: "200",
      SLUICE_SCRUB_OVERSIZE: "pass",
    });
    const passed = await fetch(`${sluice.url}/v1/messages`, { method: "POST", body: big });
    expect(passed.status).toBe(200);
  });

  test("off: bodies pass byte for byte", async () => {
    const { mock, sluice } = await setup({ SLUICE_SCRUB: "off" });
    // Spaced the way no serializer would, so a body parsed and written again would differ.
    const body = ask(`token ${SECRET}`).replaceAll(',"', ' ,  "');
    await (await fetch(`${sluice.url}/v1/messages`, { method: "POST", body })).text();
    expect(mock.requests.at(-1)!.body).toBe(body);
  });
});
