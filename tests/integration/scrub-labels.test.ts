// Scrubbing cannot be skipped by a label, and bodies sluice rewrites keep the client's numbers:
// through the proxy in-process, against a recording upstream.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeWide } from "../../src/scrub/sniff.ts";
import { tempDir } from "../e2e/helpers.ts";
import { ALNUM, fake, j } from "../fixtures/scrub/fake.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";

const SECRET = j("gh", "p_", fake(ALNUM, 36, 61));
const NUMBERS = '"x_seed":12345678901234567890,"x_scale":1e999';
let up: TestUpstream;
let scrubbing: TestSluice;
let plain: TestSluice;

beforeAll(async () => {
  up = startUpstream((_req, seen) =>
    seen.url.includes("chat/completions")
      ? new Response('data: {"choices":[]}\n\ndata: [DONE]\n\n', {
          headers: { "content-type": "text/event-stream" },
        })
      : Response.json({ type: "message", content: [{ type: "text", text: "ok" }] }),
  );
  const file = join(tempDir("scrub-labels"), "sluice.toml");
  writeFileSync(
    file,
    `[providers.renamed]\nformat = "anthropic"\nbase_url = "${up.url}"\nmax_tokens = 100\n\n[[routes]]\nmatch = "claude-renamed-*"\nprovider = "renamed"\nmodel = "claude-upstream"\n`,
  );
  const base = { SLUICE_ANTHROPIC_BASE_URL: up.url, SLUICE_OPENAI_BASE_URL: up.url };
  scrubbing = await startSluice({ ...base, SLUICE_SCRUB: "redact", SLUICE_SCRUB_MAX_MATCHES: "20" });
  plain = await startSluice({ ...base, SLUICE_CONFIG: file });
});
afterAll(async () => {
  await scrubbing.stop();
  await plain.stop();
  await up.stop();
});

const ask = (content: string) =>
  `{"model":"claude-test","max_tokens":16,${NUMBERS},"messages":[{"role":"user","content":${JSON.stringify(content)}}]}`;

async function send(s: TestSluice, path: string, body: BodyInit, headers: Record<string, string> = {}) {
  const before = up.seen.length;
  const r = await fetch(`${s.url}${path}`, { method: "POST", body, headers });
  const text = await r.text();
  return { status: r.status, text, seen: up.seen.length > before ? up.seen.at(-1) : undefined };
}

describe("the label never decides whether a body is scrubbed", () => {
  for (const type of ["application/octet-stream", "text/xml", "", "}{;=broken", "image/png"]) {
    test(`JSON labelled ${JSON.stringify(type)} is scrubbed as JSON`, async () => {
      const r = await send(scrubbing, "/v1/chat/completions", ask(`key ${SECRET}`), { "content-type": type });
      expect(r.seen!.body).not.toContain(SECRET);
      expect(r.seen!.body).toContain("[REDACTED:github_token]");
      expect(r.seen!.body).toContain(NUMBERS);
    });
  }

  test("a body without any content-type is scrubbed", async () => {
    const bytes = new TextEncoder().encode(ask(`key ${SECRET}`));
    const r = await send(scrubbing, "/v1/chat/completions", new Blob([bytes]));
    expect(r.seen!.body).not.toContain(SECRET);
  });

  test("multipart text fields are scrubbed", async () => {
    const form = new FormData();
    form.append("purpose", `batch ${SECRET}`);
    form.append("file", new Blob([ask(`key ${SECRET}`)], { type: "application/jsonl" }), "batch.jsonl");
    const r = await send(scrubbing, "/v1/files", form);
    expect(r.seen!.body).not.toContain(SECRET);
    expect(r.seen!.body.match(/\[REDACTED:github_token\]/g)?.length).toBe(2);
  });

  test("UTF-16 is decoded, scrubbed and forwarded in UTF-16", async () => {
    const wide = { encoding: "utf-16le", bom: 2 } as const;
    const r = await send(
      scrubbing,
      "/v1/chat/completions",
      Buffer.from(encodeWide(ask(`key ${SECRET}`), wide)),
      {
        "content-type": "application/json; charset=utf-16",
      },
    );
    const seen = new TextDecoder("utf-16le").decode(r.seen!.bytes);
    expect(seen).toContain("[REDACTED:github_token]");
    expect(seen).not.toContain(SECRET);
  });

  test("a charset sluice cannot read gets 415 in the client's format, never forwarded", async () => {
    const r = await send(scrubbing, "/v1/chat/completions", ask(`key ${SECRET}`), {
      "content-type": "application/json; charset=iso-2022-jp",
    });
    expect(r.status).toBe(415);
    expect(r.seen).toBeUndefined();
    expect(JSON.parse(r.text).error.code).toBe("unsupported_media_type");
  });

  test("more secrets than SLUICE_SCRUB_MAX_MATCHES gets 413 in the client's format", async () => {
    const many = Array.from({ length: 21 }, () => SECRET).join(" ");
    const r = await send(scrubbing, "/v1/messages", ask(many), { "anthropic-version": "2023-06-01" });
    expect(r.status).toBe(413);
    expect(r.seen).toBeUndefined();
    expect(JSON.parse(r.text)).toMatchObject({ type: "error", error: { type: "request_too_large" } });
    expect(r.text).not.toContain(SECRET);
  });
});

describe("JSON nested 100,000 deep", () => {
  const deep = `{"model":"m","messages":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
  for (const [name, s] of [
    ["scrubbing on", () => scrubbing],
    ["scrubbing off", () => plain],
  ] as const) {
    test(`gets 400 in the client's format (${name})`, async () => {
      for (const path of ["/v1/messages", "/v1/chat/completions"]) {
        const r = await send(s(), path, deep);
        expect(r.status).toBe(400);
        expect(r.seen).toBeUndefined();
        expect(r.text).toContain("nested");
      }
    });
  }
});

describe("rewritten bodies keep the client's numbers", () => {
  test("include_usage is added by span", async () => {
    const body = `{"model":"gpt-4.1","stream":true,${NUMBERS},"messages":[{"role":"user","content":"hi"}]}`;
    const r = await send(plain, "/v1/chat/completions", body);
    expect(r.seen!.body).toBe(body.replace(/}$/, ',"stream_options":{"include_usage":true}}'));
  });

  test("a routed model name and token cap are set by span", async () => {
    const body = `{"model":"claude-renamed-1","max_tokens":128000,${NUMBERS},"messages":[{"role":"user","content":"hi"}]}`;
    const r = await send(plain, "/v1/messages", body);
    expect(r.seen!.body).toBe(body.replace("claude-renamed-1", "claude-upstream").replace("128000", "100"));
  });

  test("a scrubbed body changes only the scrubbed string", async () => {
    const body = ask(`key ${SECRET}`);
    const r = await send(scrubbing, "/v1/chat/completions", body);
    expect(r.seen!.body).toBe(body.replace(SECRET, "[REDACTED:github_token]"));
  });
});
