// Big scrubs run off the event loop, in the compiled binary (its scrub worker is an entry point
// of its own): while a 10 MiB body holding half a million fake AWS keys is scrubbed, /health and
// small requests over TLS keep being answered; and a body over the match cap gets 413.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";
import { requireBinary, type SluiceBinary, startSluiceBinary } from "./helpers.ts";

const KEYS = 500_000;
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** The i-th fake AWS access key id: AKIA + 16 base32 characters, all distinct. */
function fakeKey(i: number): string {
  let s = "AKIA";
  let n = i;
  for (let k = 0; k < 16; k++) {
    s += B32[(n + k * 7) % 32];
    n = Math.floor(n / 32);
  }
  return s;
}

const ask = (content: string) =>
  JSON.stringify({ model: "claude-test", max_tokens: 16, messages: [{ role: "user", content }] });

let up: TestUpstream;
let bigSeen = false;
let sluice: SluiceBinary;

beforeAll(async () => {
  requireBinary();
  // Answers with the first three placeholders it was sent (restore must find them among 500,000).
  up = startUpstream((req, seen) => {
    if (Number(req.headers.get("content-length") ?? 0) > 1_000_000) bigSeen = true;
    const quoted = (seen.body.match(/SLUICE_AWS_ACCESS_KEY_[A-Z2-7]{10}/g) ?? []).slice(0, 3).join(" ");
    return Response.json({ type: "message", content: [{ type: "text", text: `ok ${quoted}` }] });
  });
  sluice = await startSluiceBinary({
    SLUICE_ANTHROPIC_BASE_URL: up.url,
    SLUICE_SCRUB: "pseudonymize",
    SLUICE_SCRUB_HMAC_KEY: "cd".repeat(32),
    SLUICE_SCRUB_MAX_MATCHES: "1000000",
    SLUICE_SCRUB_MAX_BODY_BYTES: String(16 * 1024 * 1024),
    SLUICE_LOG_LEVEL: "debug",
  });
});
afterAll(async () => {
  await sluice?.proc.stop();
  await up?.stop();
});

describe("a big, match-heavy scrub does not stall the proxy", () => {
  test("/health and small requests are answered while 10 MiB with 500,000 keys is scrubbed", async () => {
    const keys = Array.from({ length: KEYS }, (_, i) => fakeKey(i));
    const body = ask(keys.join(" "));
    expect(body.length).toBeGreaterThan(10 * 1024 * 1024 - 100_000);
    const big = sluice.fetch("/v1/messages", {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    });
    // The scrub has begun (in a worker) once sluice says so.
    await sluice.proc.waitForOutput(/scrub: off the event loop/, 60_000);
    let answered = 0;
    while (!bigSeen && answered < 10) {
      const health = await sluice.fetch("/health");
      expect(health.status).toBe(200);
      await health.text();
      const small = await sluice.fetch("/v1/messages", {
        method: "POST",
        body: ask(`a small one with ${fakeKey(KEYS + answered)}`),
        headers: { "content-type": "application/json" },
      });
      expect(small.status).toBe(200);
      await small.text();
      answered++;
    }
    // Ten round trips each of /health and a (scrubbed) small request, all before the big body
    // was done: on the event loop they would have waited for the whole scrub.
    expect({ answered, bigSeen }).toEqual({ answered: 10, bigSeen: false });
    const r = await big;
    expect(r.status).toBe(200);
    expect((await r.json()).content[0].text).toBe(`ok ${fakeKey(0)} ${fakeKey(1)} ${fakeKey(2)}`);
    const seen = up.seen.find((s) => s.body.length > 1_000_000)!.body;
    for (const i of [0, 1, 12345, KEYS - 1]) expect(seen).not.toContain(fakeKey(i));
    expect(seen.match(/SLUICE_AWS_ACCESS_KEY_[A-Z2-7]{10}/g)?.length).toBe(KEYS);
  }, 120_000);
});

describe("the match cap", () => {
  test("a body with more secrets than SLUICE_SCRUB_MAX_MATCHES gets 413 in the client's format", async () => {
    const capped = await startSluiceBinary({
      SLUICE_ANTHROPIC_BASE_URL: up.url,
      SLUICE_SCRUB: "redact",
      SLUICE_SCRUB_MAX_MATCHES: "30000",
    });
    try {
      const before = up.seen.length;
      const keys = Array.from({ length: 30_001 }, (_, i) => fakeKey(i));
      const r = await capped.fetch("/v1/messages", {
        method: "POST",
        body: ask(keys.join(" ")),
        headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      });
      expect(r.status).toBe(413);
      const err = await r.json();
      expect(err).toMatchObject({ type: "error", error: { type: "request_too_large" } });
      expect(err.error.message).toContain("more than 30000 secrets");
      expect(up.seen.length).toBe(before);
    } finally {
      await capped.proc.stop();
    }
  }, 60_000);
});
