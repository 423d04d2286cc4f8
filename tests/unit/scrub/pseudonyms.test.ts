import { describe, expect, test } from "bun:test";
import { createScrubber, type ScrubResult } from "../../../src/scrub/scrub.ts";
import { ALNUM, fake, j } from "../../fixtures/scrub/fake.ts";

const keyA = new Uint8Array(32).fill(1);
const keyB = new Uint8Array(32).fill(2);
const t1 = j("gh", "p_", fake(ALNUM, 36, 41));
const t2 = j("gh", "p_", fake(ALNUM, 36, 42));

const pseudonym = (text: string) => text.match(/SLUICE_[A-Z_]+_[A-Z2-7]{10}/g) ?? [];
const textOf = (r: ScrubResult) => ("text" in r ? r.text : r.error);

describe("pseudonyms", () => {
  test("have the documented shape", () => {
    const s = createScrubber({ mode: "pseudonymize", hmacKey: keyA });
    expect(s.scrubText(t1).text).toMatch(/^SLUICE_GITHUB_TOKEN_[A-Z2-7]{10}$/);
  });

  test("are stable across scrubber instances with the same key, and differ with another key", () => {
    const a1 = createScrubber({ mode: "pseudonymize", hmacKey: keyA }).scrubText(t1).text;
    const a2 = createScrubber({ mode: "pseudonymize", hmacKey: keyA }).scrubText(t1).text;
    const b = createScrubber({ mode: "pseudonymize", hmacKey: keyB }).scrubText(t1).text;
    expect(a1).toBe(a2);
    expect(b).not.toBe(a1);
  });

  test("are the same for the same value in every request and different for different values", () => {
    const s = createScrubber({ mode: "pseudonymize", hmacKey: keyA });
    const body = (v: string) => JSON.stringify({ messages: [{ role: "user", content: `a ${v} b ${v}` }] });
    const [p1, p1again] = pseudonym(textOf(s.scrubBody(body(t1))));
    expect(p1).toBe(p1again!);
    expect(pseudonym(textOf(s.scrubBody(body(t1))))[0]).toBe(p1!);
    expect(pseudonym(textOf(s.scrubBody(body(t2))))[0]).not.toBe(p1!);
  });

  test("come back as the real values, also after a restart with the same key", () => {
    const s = createScrubber({ mode: "pseudonymize", hmacKey: keyA });
    const scrubbed = s.scrubText(`x ${t1} y`).text;
    expect(s.restoreText(scrubbed)).toBe(`x ${t1} y`);
    const restarted = createScrubber({ mode: "pseudonymize", hmacKey: keyA });
    expect(restarted.restoreText(scrubbed)).toBe(scrubbed);
    restarted.scrubText(t1);
    expect(restarted.restoreText(scrubbed)).toBe(`x ${t1} y`);
  });

  test("are forgotten least-recently-used first when the vault is full", () => {
    const s = createScrubber({ mode: "pseudonymize", hmacKey: keyA, vaultSize: 1 });
    const p1 = s.scrubText(t1).text;
    const p2 = s.scrubText(t2).text;
    expect(s.restoreText(p2)).toBe(t2);
    expect(s.restoreText(p1)).toBe(p1);
  });

  test("look-alikes that this process did not make are left alone", () => {
    const s = createScrubber({ mode: "pseudonymize", hmacKey: keyA });
    expect(s.restoreText("SLUICE_GITHUB_TOKEN_ABCDEFGHIJ")).toBe("SLUICE_GITHUB_TOKEN_ABCDEFGHIJ");
  });
});

describe("redact mode", () => {
  test("replaces with a marker and restores nothing", () => {
    const s = createScrubber({ mode: "redact", hmacKey: keyA });
    const out = s.scrubText(`k=${t1}`).text;
    expect(out).toBe("k=[REDACTED:github_token]");
    expect(s.restoreText(out)).toBe(out);
    const p = createScrubber({ mode: "pseudonymize", hmacKey: keyA }).scrubText(t1).text;
    expect(s.restoreText(p)).toBe(p);
  });
});

describe("restoreJsonBody", () => {
  const s = createScrubber({ mode: "pseudonymize", hmacKey: keyA });
  const ph = s.scrubText(t1).text;

  test("restores content strings and returns the same text when nothing changed", () => {
    const body = JSON.stringify({ id: "msg_1", content: [{ type: "text", text: `use ${ph}` }] });
    expect(JSON.parse(s.restoreJsonBody(body))).toEqual({
      id: "msg_1",
      content: [{ type: "text", text: `use ${t1}` }],
    });
    const plain = '{ "id": "msg_2", "content": [] }';
    expect(s.restoreJsonBody(plain)).toBe(plain);
  });

  test("keeps structural fields and thinking as they are", () => {
    const body = {
      content: [
        { type: "thinking", thinking: ph, signature: "x" },
        { type: "tool_use", id: ph, name: ph, input: { name: ph } },
      ],
    };
    const out = JSON.parse(s.restoreJsonBody(JSON.stringify(body)));
    expect(out.content[0]).toEqual(body.content[0]);
    expect(out.content[1]).toEqual({ type: "tool_use", id: ph, name: ph, input: { name: t1 } });
  });

  test("keeps OpenAI tool arguments valid JSON", () => {
    const key = `-----BEGIN ${"PRIVATE KEY"}-----\nQUJD\n-----END ${"PRIVATE KEY"}-----`;
    const kph = s.scrubText(key).text;
    const body = {
      choices: [
        { message: { tool_calls: [{ function: { name: "f", arguments: JSON.stringify({ k: kph }) } }] } },
      ],
    };
    const out = JSON.parse(s.restoreJsonBody(JSON.stringify(body)));
    expect(JSON.parse(out.choices[0].message.tool_calls[0].function.arguments)).toEqual({ k: key });
  });

  test("restores plain text when the body is not JSON", () => {
    expect(s.restoreJsonBody(`text ${ph}`)).toBe(`text ${t1}`);
  });
});
