import { describe, expect, test } from "bun:test";
import { createScrubber, type ScrubOutcome, type ScrubResult } from "../../../src/scrub/scrub.ts";
import { ALNUM, B64, DIGITS, fake, j, UPPER } from "../../fixtures/scrub/fake.ts";

const key = new Uint8Array(32).fill(9);
const token = j("gh", "p_", fake(ALNUM, 36, 31));
const aws = j("AK", "IA", fake(UPPER + DIGITS, 16, 32));

function ok(r: ScrubResult): ScrubOutcome {
  if ("error" in r) throw new Error(r.error);
  return r;
}

describe("JSON-aware scrubbing", () => {
  test("scrubs content strings and leaves structural values alone", () => {
    const s = createScrubber({ mode: "redact", hmacKey: key });
    const body = {
      model: token,
      metadata: { user_id: token },
      system: [{ type: "text", text: `env ${token}`, cache_control: { type: "ephemeral" } }],
      tools: [
        { name: token, description: `uses ${token}`, input_schema: { type: "object", description: token } },
      ],
      tool_choice: { type: "tool", name: token },
      messages: [
        { role: "user", content: [{ type: "text", text: `my key ${token}` }] },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: `the key ${token}`, signature: token },
            { type: "tool_use", id: token, name: token, input: { name: token, command: `echo ${token}` } },
          ],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: token, content: `out ${token}` }] },
      ],
    };
    const out = JSON.parse(ok(s.scrubBody(JSON.stringify(body))).text);
    const r = "[REDACTED:github_token]";
    expect(out.model).toBe(token);
    expect(out.metadata.user_id).toBe(token);
    expect(out.system[0].text).toBe(`env ${r}`);
    expect(out.tools[0]).toEqual({
      name: token,
      description: `uses ${r}`,
      input_schema: body.tools[0]!.input_schema,
    });
    expect(out.tool_choice.name).toBe(token);
    expect(out.messages[0].content[0].text).toBe(`my key ${r}`);
    expect(out.messages[1].content[0]).toEqual(body.messages[1]!.content[0]);
    expect(out.messages[1].content[1]).toEqual({
      type: "tool_use",
      id: token,
      name: token,
      input: { name: r, command: `echo ${r}` },
    });
    expect(out.messages[2].content[0]).toEqual({
      type: "tool_result",
      tool_use_id: token,
      content: `out ${r}`,
    });
  });

  test("leaves base64 image, document, audio and data: URL payloads alone", () => {
    const s = createScrubber({ mode: "redact", hmacKey: key });
    const blob = `${fake(B64, 200, 1)}${aws}${fake(B64, 200, 2)}`;
    const body = {
      messages: [
        {
          role: "user",
          content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: blob } }],
        },
        {
          role: "user",
          content: [
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: blob } },
          ],
        },
        {
          role: "user",
          content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${blob}` } }],
        },
        { role: "user", content: [{ type: "input_audio", input_audio: { data: blob, format: "wav" } }] },
        { role: "user", parts: [{ inlineData: { mimeType: "image/jpeg", data: blob } }] },
        { role: "assistant", content: [{ type: "redacted_thinking", data: blob }] },
      ],
    };
    const text = JSON.stringify(body);
    const out = ok(s.scrubBody(text));
    expect(out.changed).toBe(false);
    expect(out.text).toBe(text);
  });

  test("scans plain-text documents, Gemini function args and function responses", () => {
    const s = createScrubber({ mode: "redact", hmacKey: key });
    const body = {
      messages: [
        {
          role: "user",
          content: [
            { type: "document", source: { type: "text", media_type: "text/plain", data: `k=${aws}` } },
          ],
        },
      ],
      contents: [
        { role: "model", parts: [{ functionCall: { name: "f", args: { id: aws } } }] },
        { role: "user", parts: [{ functionResponse: { name: "f", response: { name: aws } } }] },
      ],
    };
    const out = ok(s.scrubBody(JSON.stringify(body)));
    expect(out.hits).toEqual({ aws_access_key: 3 });
    expect(out.text).not.toContain(aws);
  });

  test("forwards a body without secrets byte for byte, whatever its formatting", () => {
    const s = createScrubber({ mode: "pseudonymize", hmacKey: key });
    const text =
      '{ "model" : "m",\n  "messages": [ {"role":"user","content":"mail me at noreply@anthropic.com, risk-free"} ] }\n';
    expect(ok(s.scrubBody(text))).toEqual({ text, changed: false, hits: {} });
  });

  test("reports an error for a body that is not JSON and could hold a secret", () => {
    const s = createScrubber({ mode: "redact", hmacKey: key });
    expect(s.scrubBody(`not json ${token}`)).toEqual({ error: "request body is not valid JSON" });
  });

  test("finds secrets whose characters the client spelled as \\u escapes", () => {
    const s = createScrubber({ mode: "redact", hmacKey: key });
    const escaped = token.replace(/^g/, "\\u0067").replace("_", "\\u005f");
    const out = ok(s.scrubBody(`{"messages":[{"role":"user","content":"t ${escaped}"}]}`));
    expect(out.hits).toEqual({ github_token: 1 });
  });

  test("scrubbing twice changes nothing, in both modes", () => {
    for (const mode of ["redact", "pseudonymize"] as const) {
      const s = createScrubber({ mode, hmacKey: key });
      const body = JSON.stringify({ messages: [{ role: "user", content: `${token} ${aws} a@b.co` }] });
      const once = ok(s.scrubBody(body));
      expect(once.changed).toBe(true);
      expect(ok(s.scrubBody(once.text))).toEqual({ text: once.text, changed: false, hits: {} });
    }
  });

  test("scrubText treats the whole text as content", () => {
    const s = createScrubber({ mode: "redact", hmacKey: key });
    expect(s.scrubText(`a ${token} b`)).toEqual({
      text: "a [REDACTED:github_token] b",
      changed: true,
      hits: { github_token: 1 },
    });
  });

  test("runs only the selected detectors and rejects unknown ids", () => {
    const s = createScrubber({ mode: "redact", hmacKey: key, detectors: ["aws_access_key"] });
    expect(s.scrubText(`${token} ${aws} a@b.co`).hits).toEqual({ aws_access_key: 1 });
    expect(() => createScrubber({ mode: "redact", hmacKey: key, detectors: ["nope"] })).toThrow("nope");
  });
});

describe("media is skipped only when it really is media", () => {
  const s = createScrubber({ mode: "redact", hmacKey: key });
  const R = "[REDACTED:github_token]";

  test("prose that merely starts like a data: URL is content", () => {
    for (const text of [`data:;base64,${token}`, `data:image/png;base64, see ${token}`]) {
      const body = JSON.stringify({ messages: [{ role: "user", content: [{ type: "text", text }] }] });
      expect(ok(s.scrubBody(body)).text).toContain(R);
    }
  });

  test("a media field whose value is not base64 from start to end is content", () => {
    const bodies = [
      { source: { type: "base64", media_type: "image/png", data: `iVBORw0KGgo ${token}` } },
      { image_url: { url: `data:image/png;base64,iVBORw0KGgo=${token}` } },
      { type: "input_image", image_url: `data:image/png;base64,${token}` },
      { file: { file_data: `data:application/pdf;base64,JVBERi0x ${token}` } },
      { inlineData: { mimeType: "image/png", data: token } },
      { type: "redacted_thinking", data: `${token}==` },
    ];
    for (const b of bodies) expect(ok(s.scrubBody(JSON.stringify({ messages: [b] }))).text).toContain(R);
  });

  test("a data: URL outside a media field is content, even with valid base64", () => {
    const body = JSON.stringify({ messages: [{ role: "user", content: `data:text/plain;base64,${aws}` }] });
    expect(ok(s.scrubBody(body)).hits).toEqual({ aws_access_key: 1 });
  });
});

describe("duplicate keys", () => {
  const s = createScrubber({ mode: "redact", hmacKey: key });

  test("every copy is scrubbed, whichever one an upstream parser keeps", () => {
    const body = `{"messages":[{"role":"user","content":"a ${token}"}],"messages":[{"role":"user","content":"b ${aws}"}]}`;
    const out = ok(s.scrubBody(body));
    expect(out.hits).toEqual({ github_token: 1, aws_access_key: 1 });
    expect(out.text).toBe(
      '{"messages":[{"role":"user","content":"a [REDACTED:github_token]"}],"messages":[{"role":"user","content":"b [REDACTED:aws_access_key]"}]}',
    );
  });

  test("a skip needs every copy of the deciding key to agree", () => {
    const body = `{"source":{"type":"base64","type":"text","media_type":"text/plain","data":"${aws}"}}`;
    expect(ok(s.scrubBody(body)).hits).toEqual({ aws_access_key: 1 });
  });

  test("a free-form tool input is free-form when any copy of its type says so", () => {
    const body = `{"type":"text","type":"tool_use","input":{"name":"${aws}"}}`;
    expect(ok(s.scrubBody(body)).hits).toEqual({ aws_access_key: 1 });
  });
});

describe("numbers and bytes stay as the client sent them", () => {
  test("only the changed string is rewritten", () => {
    const s = createScrubber({ mode: "redact", hmacKey: key });
    const body = `{ "seed": 12345678901234567890, "temperature":1e999,\n "x": -0.0E+00, "messages":[{"role":"user","content":"k \\/ ${token}"}] }`;
    const out = ok(s.scrubBody(body));
    expect(out.text).toBe(body.replace(`"k \\/ ${token}"`, '"k / [REDACTED:github_token]"'));
  });
});
