import { describe, expect, test } from "bun:test";
import { createScrubber } from "../../../src/scrub/scrub.ts";
import { ALNUM, fake, j } from "../../fixtures/scrub/fake.ts";

describe("stream restorer and complete pseudonyms", () => {
  test("a whole pseudonym whose hash ends in S is restored, not split at that S", () => {
    const s = createScrubber({ mode: "pseudonymize", hmacKey: new Uint8Array(32).fill(0xab) });
    // This secret's pseudonym under this key is SLUICE_GITHUB_TOKEN_557HD643JS.
    const secret = j("gh", "p_", fake(ALNUM, 36, 77));
    const scrubbed = s.scrubBody(JSON.stringify({ messages: [{ role: "user", content: secret }] }));
    if ("error" in scrubbed) throw new Error(scrubbed.error);
    const ph = /SLUICE_\w+/.exec(scrubbed.text)![0];
    expect(ph.endsWith("S")).toBe(true);
    const r = s.createStreamRestorer();
    expect(r.push(` ${ph}`) + r.end()).toBe(` ${secret}`);
    const r2 = s.createStreamRestorer();
    expect(r2.push(` ${ph} and ${ph}`) + r2.end()).toBe(` ${secret} and ${secret}`);
  });
});
