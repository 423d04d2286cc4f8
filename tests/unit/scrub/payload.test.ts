// What a request body is, and so how it is scrubbed, comes from its bytes, never its label.
import { describe, expect, test } from "bun:test";
import { createEngine } from "../../../src/scrub/engine.ts";
import { type PayloadResult, scrubPayload } from "../../../src/scrub/payload.ts";
import { encodeWide, type Wide } from "../../../src/scrub/sniff.ts";
import { ALNUM, DIGITS, fake, j, UPPER } from "../../fixtures/scrub/fake.ts";

const engine = createEngine({ mode: "redact", hmacKey: new Uint8Array(32).fill(3) });
const token = j("gh", "p_", fake(ALNUM, 36, 41));
const aws = j("AK", "IA", fake(UPPER + DIGITS, 16, 42));
const MARK = "[REDACTED:github_token]";
const enc = new TextEncoder();
const dec = new TextDecoder();

function scrubbed(r: PayloadResult): string {
  if (!r.ok) throw new Error(r.message);
  if (r.bytes === undefined) throw new Error("unchanged");
  return dec.decode(r.bytes);
}

const ask = (text: string) =>
  JSON.stringify({ model: token, messages: [{ role: "user", content: `key ${text}` }] });

describe("the label never decides", () => {
  test("JSON is scrubbed as JSON whatever it is labelled (structure kept, content scrubbed)", () => {
    for (const type of [
      "application/json",
      "application/octet-stream",
      "text/xml",
      "",
      "}{ broken",
      null,
      "image/png",
    ]) {
      const out = JSON.parse(scrubbed(scrubPayload(engine, enc.encode(ask(token)), type)));
      expect(out.model).toBe(token);
      expect(out.messages[0].content).toBe(`key ${MARK}`);
    }
  });

  test("text is scrubbed as text", () => {
    expect(scrubbed(scrubPayload(engine, enc.encode(`<x>${token}</x>`), "application/xml"))).toBe(
      `<x>${MARK}</x>`,
    );
  });

  test("real media passes as it is; text that merely starts like media is scrubbed", () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, ...enc.encode(token)]);
    const r = scrubPayload(engine, png, "application/json");
    expect(r).toMatchObject({ ok: true, bytes: undefined, binary: ["png"] });
    for (const head of ["ID3 ", "%PDF-1.7 ", "OggS ", "GIF89a "]) {
      expect(scrubbed(scrubPayload(engine, enc.encode(`${head}${token}`), "image/gif"))).toBe(
        `${head}${MARK}`,
      );
    }
  });

  test("bytes that are neither UTF-8 nor media are scrubbed in place, every other byte kept", () => {
    const body = new Uint8Array([0x00, 0xfe, 0x01, ...enc.encode(` ${token} `), 0xc3, 0x28, 0x9f]);
    const r = scrubPayload(engine, body, "application/octet-stream");
    if (!r.ok || !r.bytes) throw new Error("not scrubbed");
    const expected = new Uint8Array([0x00, 0xfe, 0x01, ...enc.encode(` ${MARK} `), 0xc3, 0x28, 0x9f]);
    expect([...r.bytes]).toEqual([...expected]);
  });

  test("JSON with a stray invalid byte is still scrubbed as JSON", () => {
    // The token's first letter as a \u escape: only a JSON reading finds it.
    const body = enc.encode(
      `{"model":"m\xff","messages":[{"role":"user","content":"key \\u0067${token.slice(1)}"}]}`,
    );
    const bad = new Uint8Array(body.map((b, i) => (b === 0xc3 && body[i + 1] === 0xbf ? 0xff : b)));
    expect(bad.includes(0xff)).toBe(true);
    expect(scrubbed(scrubPayload(engine, bad, null))).toContain(MARK);
  });

  test("JSON Lines are scrubbed line by line, escapes included", () => {
    const line = (t: string) => JSON.stringify({ body: { messages: [{ content: t }] } });
    const escaped = `\\u0067${token.slice(1)}`;
    const text = `${line("a").replace('"a"', `"${escaped}"`)}\n${line(aws)}\n`;
    const out = scrubbed(scrubPayload(engine, enc.encode(text), "application/jsonl"));
    expect(out).not.toContain(token.slice(1));
    expect(out).not.toContain(aws);
    expect(out.split("\n").length).toBe(3);
  });
});

describe("wide encodings are decoded, scrubbed and written back in their own encoding", () => {
  const cases: Wide[] = [
    { encoding: "utf-16le", bom: 2 },
    { encoding: "utf-16le", bom: 0 },
    { encoding: "utf-16be", bom: 2 },
    { encoding: "utf-16be", bom: 0 },
    { encoding: "utf-32le", bom: 4 },
    { encoding: "utf-32be", bom: 0 },
  ];
  for (const wide of cases) {
    test(`${wide.encoding}${wide.bom ? " with" : " without"} a BOM`, () => {
      const r = scrubPayload(engine, encodeWide(ask(token), wide), "application/json; charset=utf-8");
      if (!r.ok || !r.bytes) throw new Error("not scrubbed");
      expect([...r.bytes]).toEqual([...encodeWide(ask(MARK).replace(`key ${MARK}`, `key ${MARK}`), wide)]);
      expect(r.hits).toEqual({ github_token: 1 });
    });
  }

  test("a charset sluice cannot read is refused with 415", () => {
    for (const type of ["text/plain; charset=iso-8859-1", 'application/json; charset="Shift_JIS"']) {
      expect(scrubPayload(engine, enc.encode(ask(token)), type)).toMatchObject({
        ok: false,
        kind: "unsupported_media_type",
      });
    }
  });

  test("UTF-8 and US-ASCII labels are read, a wide label on bytes that are not wide is refused", () => {
    for (const type of ['application/json; charset="UTF-8"', "application/json;charset=us-ascii"]) {
      expect(scrubbed(scrubPayload(engine, enc.encode(ask(token)), type))).toContain(MARK);
    }
    expect(scrubPayload(engine, enc.encode(ask(token)), "application/json; charset=utf-16")).toMatchObject({
      ok: false,
      kind: "unsupported_media_type",
    });
  });

  test("UTF-16 text hidden among other bytes is refused, not forwarded", () => {
    // Enough other bytes first that the body as a whole does not look like UTF-16.
    const noise = Array.from({ length: 2048 }, (_, i) => 0x80 + (i % 100));
    const hidden = new Uint8Array([...noise, ...Buffer.from(` ${token} `, "utf16le")]);
    expect(scrubPayload(engine, hidden, "application/octet-stream")).toMatchObject({
      ok: false,
      kind: "unsupported_media_type",
    });
  });
});

describe("multipart", () => {
  const B = "----sluiceBoundary7MA4YWxk";
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, ...enc.encode(aws)]);
  const body = (extra = "") =>
    Buffer.concat([
      Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nkey ${token}\r\n`),
      Buffer.from(
        `--${B}\r\nContent-Disposition: form-data; name="file"; filename="b.jsonl"\r\nContent-Type: application/octet-stream${extra}\r\n\r\n${ask(aws)}\r\n`,
      ),
      Buffer.from(
        `--${B}\r\nContent-Disposition: form-data; name="img"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      png,
      Buffer.from(`\r\n--${B}--\r\n`),
    ]);
  const type = `multipart/form-data; boundary=${B}`;

  test("text fields and text files are scrubbed, media files pass, the framing stays byte for byte", () => {
    const r = scrubPayload(engine, new Uint8Array(body()), type);
    if (!r.ok || !r.bytes) throw new Error("not scrubbed");
    const out = Buffer.from(r.bytes);
    expect(out.includes(png)).toBe(true);
    expect(r.hits).toEqual({ github_token: 1, aws_access_key: 1 });
    expect(r.binary).toEqual(["png"]);
    const expected = body()
      .toString("latin1")
      .replace(`key ${token}`, `key ${MARK}`)
      .replace(`key ${aws}`, "key [REDACTED:aws_access_key]");
    expect(out.toString("latin1")).toBe(expected);
  });

  test("a part in base64 or quoted-printable transfer encoding is refused with 415", () => {
    const r = scrubPayload(engine, new Uint8Array(body("\r\nContent-Transfer-Encoding: base64")), type);
    expect(r).toMatchObject({ ok: false, kind: "unsupported_media_type" });
  });

  test("a body that does not parse with its boundary is scrubbed whole", () => {
    const broken = `--${B}\r\nno closing delimiter ${token}`;
    expect(scrubbed(scrubPayload(engine, enc.encode(broken), type))).toContain(MARK);
  });
});

describe("limits", () => {
  test("JSON nested too deeply is refused with 400", () => {
    const deep = `{"messages":${"[".repeat(100_000)}"${token}"${"]".repeat(100_000)}}`;
    expect(scrubPayload(engine, enc.encode(deep), null)).toMatchObject({ ok: false, kind: "bad_request" });
  });

  test("more secrets than the cap is refused with 413; at the cap it is scrubbed", () => {
    const body = enc.encode(ask(Array.from({ length: 10 }, () => token).join(" ")));
    expect(scrubPayload(engine, body, null, { maxHits: 9 })).toMatchObject({
      ok: false,
      kind: "payload_too_large",
    });
    expect(scrubPayload(engine, body, null, { maxHits: 10 })).toMatchObject({ ok: true });
  });
});
