// Property tests: random request bodies with secrets planted in random content strings.
import { describe, expect, test } from "bun:test";
import { createScrubber, type ScrubOutcome, type ScrubResult } from "../../../src/scrub/scrub.ts";
import { DETECTOR_CASES } from "../../fixtures/scrub/detector-cases.ts";

const PLANTS = DETECTOR_CASES.flatMap((c) => c.positives);
const WORDS = [
  "the",
  "const",
  "return",
  "risk-free",
  "user@localhost",
  "@decorator",
  "https://example.com:8443/x",
  "2011",
  "11",
  "Bearer",
  "Basic",
  "eyJ",
  "sk-",
  "hf_hub",
  "AKIA",
  "$ANSIBLE_VAULT",
  "PRIVATE KEY",
  "café",
  "日本",
  "🙂",
  '"quoted"',
  "back\\slash",
  "line\nbreak",
  "\\n",
  "tab\there",
  "{",
  "}",
  "[]",
];
const SEPARATORS = [" ", "\n", "\t", '"', "'", "(", ")", ",", ";", "\r\n"];

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

function build(seed: number, separators: readonly string[] = SEPARATORS) {
  const r = rng(seed);
  const planted: string[] = [];
  const pick = <T>(xs: readonly T[]) => xs[r(xs.length)]!;
  const text = () => {
    let out = "";
    const n = 1 + r(12);
    for (let i = 0; i < n; i++) {
      if (r(4) === 0) {
        const plant = pick(PLANTS);
        planted.push(plant.secret);
        out += pick(separators) + plant.text + pick(separators);
      } else {
        out += pick(WORDS) + pick(separators);
      }
    }
    return out;
  };
  const block = (): unknown => {
    switch (r(4)) {
      case 0:
        return { type: "text", text: text() };
      case 1:
        return {
          type: "tool_use",
          id: `toolu_${r(1000)}`,
          name: "Bash",
          input: { command: text(), nested: [text(), { deep: text() }] },
        };
      case 2:
        return {
          type: "tool_result",
          tool_use_id: `toolu_${r(1000)}`,
          content: [{ type: "text", text: text() }],
        };
      default:
        return { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } };
    }
  };
  const messages = Array.from({ length: 1 + r(6) }, (_, i) => ({
    role: i % 2 === 0 ? "user" : "assistant",
    content: r(3) === 0 ? text() : Array.from({ length: 1 + r(4) }, block),
  }));
  const body = { model: "claude-x", max_tokens: 1024, system: text(), messages, stream: true };
  return { body, planted };
}

function ok(r: ScrubResult): ScrubOutcome {
  if ("error" in r) throw new Error(r.error);
  return r;
}

describe("scrubbing random bodies with planted secrets", () => {
  for (const mode of ["redact", "pseudonymize"] as const) {
    test(`${mode}: output re-parses, holds no planted secret, and is stable under a second scrub`, () => {
      const s = createScrubber({ mode, hmacKey: new Uint8Array(32).fill(7) });
      for (let seed = 1; seed <= 300; seed++) {
        const { body, planted } = build(seed);
        const out = ok(s.scrubBody(JSON.stringify(body)));
        const reparsed = JSON.parse(out.text);
        const reserialized = JSON.stringify(reparsed);
        for (const secret of planted) expect(reserialized).not.toContain(JSON.stringify(secret).slice(1, -1));
        expect(out.changed).toBe(planted.length > 0);
        expect(ok(s.scrubBody(out.text))).toEqual({ text: out.text, changed: false, hits: {} });
        expect(reparsed.model).toBe("claude-x");
        expect(reparsed.messages.length).toBe(body.messages.length);
      }
    });
  }

  test("pseudonymize: restoring the scrubbed body gives back the original", () => {
    const s = createScrubber({ mode: "pseudonymize", hmacKey: new Uint8Array(32).fill(7) });
    for (let seed = 1; seed <= 300; seed++) {
      const { body } = build(seed);
      const out = ok(s.scrubBody(JSON.stringify(body)));
      expect(JSON.parse(s.restoreJsonBody(out.text))).toEqual(body);
    }
  });

  test("hits add up to the planted secrets", () => {
    const s = createScrubber({ mode: "redact", hmacKey: new Uint8Array(32) });
    for (let seed = 1; seed <= 100; seed++) {
      const { body, planted } = build(seed);
      const out = ok(s.scrubBody(JSON.stringify(body)));
      const total = Object.values(out.hits).reduce((a, b) => a + b, 0);
      expect(total).toBe(planted.length);
    }
  });

  test("glued fragments: output re-parses, a second scrub changes nothing, restore round-trips", () => {
    const glued = [...SEPARATORS, "", "", "", "_", "-", ".", "@", "=", "\\n", "SLUICE_", "[REDACTED:"];
    for (const mode of ["redact", "pseudonymize"] as const) {
      const s = createScrubber({ mode, hmacKey: new Uint8Array(32).fill(3) });
      for (let seed = 1; seed <= 300; seed++) {
        const { body } = build(seed, glued);
        const out = ok(s.scrubBody(JSON.stringify(body)));
        JSON.parse(out.text);
        expect(ok(s.scrubBody(out.text))).toEqual({ text: out.text, changed: false, hits: {} });
        if (mode === "pseudonymize") expect(JSON.parse(s.restoreJsonBody(out.text))).toEqual(body);
      }
    }
  });
});
