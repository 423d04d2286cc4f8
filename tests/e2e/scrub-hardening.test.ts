// Scrubbing that cannot be skipped and restores only what a client sent, through the compiled
// binary over TLS: a JSON body labelled octet-stream, a multipart upload and a UTF-16 body reach
// the upstream scrubbed; one client never gets another's secret back; a gzip answer sent
// although sluice asked for identity is restored, not corrupted.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { gzipSync } from "node:zlib";
import { encodeWide } from "../../src/scrub/sniff.ts";
import { ALNUM, fake, j } from "../fixtures/scrub/fake.ts";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";
import { requireBinary, type SluiceBinary, startSluiceBinary } from "./helpers.ts";

const ALICE = j("gh", "p_", fake(ALNUM, 36, 301));
const BOB = j("gh", "p_", fake(ALNUM, 36, 302));
const PLACEHOLDER = /SLUICE_GITHUB_TOKEN_[A-Z2-7]{10}/g;
let up: TestUpstream;
let sluice: SluiceBinary;

beforeAll(async () => {
  requireBinary();
  // Echoes the placeholders it was sent, gzipped when asked to by the test.
  up = startUpstream((req, seen) => {
    const found = [...new Set(seen.body.match(PLACEHOLDER) ?? [])].join(" ");
    const text = JSON.stringify({ type: "message", content: [{ type: "text", text: `seen: ${found}` }] });
    const gzip = req.headers.get("x-test-gzip") === "1";
    return new Response(gzip ? gzipSync(text) : text, {
      headers: { "content-type": "application/json", ...(gzip ? { "content-encoding": "gzip" } : {}) },
    });
  });
  sluice = await startSluiceBinary({
    SLUICE_ANTHROPIC_BASE_URL: up.url,
    SLUICE_OPENAI_BASE_URL: up.url,
    SLUICE_SCRUB: "pseudonymize",
    SLUICE_SCRUB_HMAC_KEY: "ef".repeat(32),
  });
});
afterAll(async () => {
  await sluice?.proc.stop();
  await up?.stop();
});

const ask = (content: string) =>
  JSON.stringify({ model: "claude-test", max_tokens: 8, messages: [{ role: "user", content }] });
const lastSeen = () => up.seen.at(-1)!;

describe("scrubbing cannot be skipped", () => {
  test("JSON labelled application/octet-stream is scrubbed", async () => {
    const r = await sluice.fetch("/v1/messages", {
      method: "POST",
      body: ask(`key ${ALICE}`),
      headers: { "content-type": "application/octet-stream", "anthropic-version": "2023-06-01" },
    });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain(ALICE);
    expect(lastSeen().body).not.toContain(ALICE);
  });

  test("a multipart upload's text field and text file are scrubbed", async () => {
    const form = new FormData();
    form.append("purpose", `batch ${ALICE}`);
    form.append("file", new Blob([ask(`key ${ALICE}`)], { type: "application/jsonl" }), "batch.jsonl");
    const r = await sluice.fetch("/v1/files", { method: "POST", body: form });
    await r.text();
    expect(lastSeen().body).not.toContain(ALICE);
    expect(lastSeen().body.match(PLACEHOLDER)?.length).toBe(2);
  });

  test("a UTF-16 body is scrubbed and goes on in UTF-16", async () => {
    const bytes = encodeWide(ask(`key ${ALICE}`), { encoding: "utf-16le", bom: 2 });
    const r = await sluice.fetch("/v1/chat/completions", {
      method: "POST",
      body: Buffer.from(bytes),
      headers: { "content-type": "application/json; charset=utf-16" },
    });
    await r.text();
    const seen = new TextDecoder("utf-16le").decode(lastSeen().bytes);
    expect(seen).not.toContain(ALICE);
    expect(seen).toMatch(PLACEHOLDER);
  });
});

describe("restore gives a client only what it sent", () => {
  test("a placeholder from another client's request stays a placeholder", async () => {
    await (await sluice.fetch("/v1/messages", { method: "POST", body: ask(`key ${ALICE}`) })).text();
    const alices = lastSeen().body.match(PLACEHOLDER)![0];
    const r = await sluice.fetch("/v1/messages", {
      method: "POST",
      body: ask(`mine is ${BOB}; what is ${alices}?`),
    });
    const text = await r.text();
    expect(text).toContain(BOB);
    expect(text).toContain(alices);
    expect(text).not.toContain(ALICE);
  });

  test("a gzip answer sent against identity is decompressed and restored", async () => {
    const r = await sluice.fetch("/v1/messages", {
      method: "POST",
      body: ask(`key ${ALICE}`),
      headers: { "x-test-gzip": "1", "accept-encoding": "identity" },
      decompress: false,
    } as RequestInit);
    expect(r.headers.get("content-encoding")).toBeNull();
    expect(JSON.parse(await r.text()).content[0].text).toBe(`seen: ${ALICE}`);
  });
});
