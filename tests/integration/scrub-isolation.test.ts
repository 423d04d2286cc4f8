// Restore gives a client only what it sent: a placeholder seen elsewhere never turns back into
// someone else's secret, with or without the key gate; and an answer compressed against sluice's
// wish is decompressed before restoring, never rewritten as compressed bytes.
import { afterEach, describe, expect, test } from "bun:test";
import { gunzipSync, gzipSync } from "node:zlib";
import { ALNUM, fake, j } from "../fixtures/scrub/fake.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";

const SECRET = j("gh", "p_", fake(ALNUM, 36, 91));
const BOB_SECRET = j("gh", "p_", fake(ALNUM, 36, 92));
const PLACEHOLDER = /SLUICE_GITHUB_TOKEN_[A-Z2-7]{10}/;
let up: TestUpstream | undefined;
let sluice: TestSluice | undefined;
afterEach(async () => {
  await sluice?.stop();
  await up?.stop();
  sluice = up = undefined;
});

/** An Anthropic-format upstream that answers with the last user message, as JSON or SSE, maybe gzipped. */
function echoUpstream(encoding?: string) {
  return startUpstream((_req, seen) => {
    const body = JSON.parse(seen.body) as { stream?: boolean; messages: { content: string }[] };
    const text = body.messages.at(-1)!.content;
    const payload = body.stream
      ? [
          `event: content_block_delta\ndata: ${JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } })}\n\n`,
          `event: message_stop\ndata: {"type":"message_stop"}\n\n`,
        ].join("")
      : `{"type":"message","content":[{"type":"text","text":${JSON.stringify(text)}}],"usage":{"seed":12345678901234567890}}`;
    const headers: Record<string, string> = {
      "content-type": body.stream ? "text/event-stream" : "application/json",
    };
    if (encoding) headers["content-encoding"] = encoding;
    const bytes = encoding === "gzip" ? gzipSync(payload) : new TextEncoder().encode(payload);
    return new Response(bytes, { headers });
  });
}

const ask = (content: string, stream = false) =>
  JSON.stringify({ model: "claude-test", max_tokens: 16, stream, messages: [{ role: "user", content }] });

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const r = await fetch(`${sluice!.url}${path}`, { method: "POST", body, headers });
  return { status: r.status, headers: r.headers, text: await r.text() };
}

describe("restore isolation", () => {
  test("without the key gate, a client gets back only values its own request sent", async () => {
    up = echoUpstream();
    sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: up.url, SLUICE_SCRUB: "pseudonymize" });
    const alice = await post("/v1/messages", ask(`my token ${SECRET}`));
    expect(alice.text).toContain(SECRET);
    const placeholder = PLACEHOLDER.exec(up.seen[0]!.body)![0];
    // Bob saw the placeholder somewhere (a shared log, a screenshot) and asks for it back, in a
    // request with a secret of his own (so his answer is restored).
    const question = `mine is ${BOB_SECRET}, what is ${placeholder}`;
    const bob = await post("/v1/messages", ask(question));
    expect(bob.text).toContain(BOB_SECRET);
    expect(bob.text).toContain(placeholder);
    expect(bob.text).not.toContain(SECRET);
    const bobStream = await post("/v1/messages", ask(question, true));
    expect(bobStream.text).toContain(BOB_SECRET);
    expect(bobStream.text).toContain(placeholder);
    expect(bobStream.text).not.toContain(SECRET);
  });

  test("with the key gate, each key's own vault restores; another key's placeholders stay", async () => {
    up = echoUpstream();
    sluice = await startSluice({
      SLUICE_ANTHROPIC_BASE_URL: up.url,
      SLUICE_SCRUB: "pseudonymize",
      SLUICE_API_KEYS: "alice=key-a,bob=key-b",
    });
    const alice = await post("/v1/messages", ask(`my token ${SECRET}`), { "x-api-key": "key-a" });
    expect(alice.text).toContain(SECRET);
    const placeholder = PLACEHOLDER.exec(up.seen[0]!.body)![0];
    const bob = await post("/v1/messages", ask(`mine is ${BOB_SECRET}, what is ${placeholder}`), {
      "x-api-key": "key-b",
    });
    expect(bob.text).toContain(BOB_SECRET);
    expect(bob.text).toContain(placeholder);
    expect(bob.text).not.toContain(SECRET);
    // Alice's own later request gets her value back from her vault.
    const again = await post("/v1/messages", ask(`what is ${placeholder}`), { "x-api-key": "key-a" });
    expect(again.text).toContain(SECRET);
  });
});

describe("answers compressed although sluice asked for identity", () => {
  test("a gzip JSON answer is decompressed, restored and sent plain, numbers intact", async () => {
    up = echoUpstream("gzip");
    sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: up.url, SLUICE_SCRUB: "pseudonymize" });
    const r = await fetch(`${sluice.url}/v1/messages`, {
      method: "POST",
      body: ask(`my token ${SECRET}`),
      headers: { "accept-encoding": "identity" },
      decompress: false,
    } as RequestInit);
    expect(r.headers.get("content-encoding")).toBeNull();
    const text = await r.text();
    expect(JSON.parse(text).content[0].text).toBe(`my token ${SECRET}`);
    expect(text).toContain('"seed":12345678901234567890');
    expect(up.seen[0]!.headers.get("accept-encoding")).toBe("identity");
  });

  test("a gzip SSE answer is decompressed and restored as it streams", async () => {
    up = echoUpstream("gzip");
    sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: up.url, SLUICE_SCRUB: "pseudonymize" });
    const r = await fetch(`${sluice.url}/v1/messages`, {
      method: "POST",
      body: ask(`my token ${SECRET}`, true),
      decompress: false,
    } as RequestInit);
    expect(r.headers.get("content-encoding")).toBeNull();
    const text = await r.text();
    expect(text).toContain(`"text":"my token ${SECRET}"`);
    expect(text).toContain("message_stop");
  });

  test("an encoding sluice cannot read passes through untouched (placeholders, never a corrupt body)", async () => {
    up = startUpstream((_req, seen) => {
      const placeholder = PLACEHOLDER.exec(seen.body)![0];
      const payload = JSON.stringify({ type: "message", content: [{ type: "text", text: placeholder }] });
      // Two stacked encodings: nothing sluice decodes in one step.
      return new Response(gzipSync(gzipSync(payload)), {
        headers: { "content-type": "application/json", "content-encoding": "gzip, gzip" },
      });
    });
    sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: up.url, SLUICE_SCRUB: "pseudonymize" });
    const r = await fetch(`${sluice.url}/v1/messages`, {
      method: "POST",
      body: ask(`my token ${SECRET}`),
      decompress: false,
    } as RequestInit);
    expect(r.headers.get("content-encoding")).toBe("gzip, gzip");
    const plain = gunzipSync(gunzipSync(new Uint8Array(await r.arrayBuffer()))).toString();
    expect(JSON.parse(plain).content[0].text).toMatch(PLACEHOLDER);
  });
});
