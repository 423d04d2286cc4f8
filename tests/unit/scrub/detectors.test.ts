import { describe, expect, test } from "bun:test";
import { DETECTORS } from "../../../src/scrub/detectors.ts";
import { createScrubber, DETECTOR_IDS } from "../../../src/scrub/scrub.ts";
import { DETECTOR_CASES, GLOBAL_NEGATIVES } from "../../fixtures/scrub/detector-cases.ts";

const redactor = createScrubber({ mode: "redact", hmacKey: new Uint8Array(32) });

describe("each detector", () => {
  test("has fixtures, and every fixture names a known detector", () => {
    const covered = new Set(DETECTOR_CASES.map((c) => c.id));
    expect([...covered].sort()).toEqual([...DETECTOR_IDS].sort());
    for (const c of DETECTOR_CASES) {
      expect(c.positives.length).toBeGreaterThan(0);
      expect(c.negatives.length).toBeGreaterThan(0);
    }
  });

  for (const c of DETECTOR_CASES) {
    describe(c.id, () => {
      c.positives.forEach((pos, i) => {
        test(`replaces exactly the secret of positive #${i + 1} and counts one hit`, () => {
          const out = redactor.scrubText(pos.text);
          expect(out.text).toBe(pos.text.replace(pos.secret, () => `[REDACTED:${c.id}]`));
          expect(out.hits).toEqual({ [c.id]: 1 });
        });
      });
      c.negatives.forEach((neg, i) => {
        test(`leaves negative #${i + 1} untouched`, () => {
          const out = redactor.scrubText(neg);
          expect(out.hits).toEqual({});
          expect(out.text).toBe(neg);
        });
      });
    });
  }
});

describe("detector data", () => {
  test("an anchor of the detector occurs in every positive match", () => {
    for (const c of DETECTOR_CASES) {
      const d = DETECTORS.find((x) => x.id === c.id)!;
      for (const pos of c.positives) {
        d.pattern.lastIndex = 0;
        const m = d.pattern.exec(pos.text);
        expect(m).not.toBeNull();
        expect(d.anchors.some((a) => m![0].includes(a))).toBe(true);
      }
    }
  });

  test("anchors are printable ASCII that JSON never escapes, so raw bodies can be searched", () => {
    const anchors = DETECTORS.flatMap((d) => d.anchors);
    for (const a of anchors) {
      expect(a).toMatch(/^[\x20-\x7e]+$/);
      expect(a).not.toMatch(/["\\]/);
    }
  });

  test("patterns never match the empty string", () => {
    for (const d of DETECTORS) expect(new RegExp(d.pattern.source).test("")).toBe(false);
  });

  test("pseudonymize mode counts the same kinds as redact mode", () => {
    const pseudo = createScrubber({ mode: "pseudonymize", hmacKey: new Uint8Array(32).fill(1) });
    for (const c of DETECTOR_CASES) {
      for (const pos of c.positives) expect(pseudo.scrubText(pos.text).hits).toEqual({ [c.id]: 1 });
    }
  });
});

describe("ordinary text", () => {
  GLOBAL_NEGATIVES.forEach((text, i) => {
    test(`global negative #${i + 1} passes every detector untouched`, () => {
      const out = redactor.scrubText(text);
      expect(out.hits).toEqual({});
      expect(out.changed).toBe(false);
    });
  });
});
