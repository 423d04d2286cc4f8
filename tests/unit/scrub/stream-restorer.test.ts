import { describe, expect, test } from "bun:test";
import { createScrubber } from "../../../src/scrub/scrub.ts";
import { ALNUM, fake, j, pem } from "../../fixtures/scrub/fake.ts";

const scrubber = createScrubber({ mode: "pseudonymize", hmacKey: new Uint8Array(32).fill(6) });
const secret = j("gh", "s_", fake(ALNUM, 36, 21));
const ph = scrubber.scrubText(`(${secret})`).text.slice(1, -1);
const modelText = `first ${ph}, then ${ph}.`;
const realText = `first ${secret}, then ${secret}.`;

function feed(pieces: readonly string[], json = false): { out: string; emitted: string[] } {
  const r = scrubber.createStreamRestorer({ json });
  const emitted = pieces.map((p) => r.push(p));
  return { out: emitted.join("") + r.end(), emitted };
}

describe("stream restorer", () => {
  test("restores a placeholder cut in two at every position", () => {
    for (let k = 0; k <= modelText.length; k++) {
      expect(feed([modelText.slice(0, k), modelText.slice(k)]).out).toBe(realText);
    }
  });

  test("restores a placeholder cut in three at every pair of positions", () => {
    const text = `x${ph}y`;
    for (let a = 0; a <= text.length; a++) {
      for (let b = a; b <= text.length; b++) {
        expect(feed([text.slice(0, a), text.slice(a, b), text.slice(b)]).out).toBe(`x${secret}y`);
      }
    }
  });

  test("restores one character at a time", () => {
    expect(feed([...modelText]).out).toBe(realText);
  });

  test("never delays text that cannot begin a placeholder", () => {
    const r = scrubber.createStreamRestorer();
    expect(r.push("hello world, ")).toBe("hello world, ");
    expect(r.push("Some Sentence")).toBe("Some Sentence");
    expect(r.push("ends with S")).toBe("ends with ");
    expect(r.holding).toBe(true);
    expect(r.push("ome")).toBe("Some");
    expect(r.holding).toBe(false);
  });

  test("holds a begun placeholder and releases it once it cannot be one", () => {
    const r = scrubber.createStreamRestorer();
    expect(r.push("a SLUICE_GITH")).toBe("a ");
    expect(r.push("UB_TOKEN_AB")).toBe("");
    expect(r.push("c")).toBe("SLUICE_GITHUB_TOKEN_ABc");
  });

  test("passes an unknown look-alike through intact however it is cut", () => {
    const fakePh = "SLUICE_GITHUB_TOKEN_AAAAAAAAAA";
    for (let k = 0; k <= fakePh.length; k++) {
      expect(feed([fakePh.slice(0, k), fakePh.slice(k)]).out).toBe(fakePh);
    }
  });

  test("end() returns what is held and leaves the channel empty", () => {
    const r = scrubber.createStreamRestorer();
    r.push(`${ph.slice(0, 15)}`);
    expect(r.end()).toBe(ph.slice(0, 15));
    expect(r.end()).toBe("");
    expect(r.holding).toBe(false);
  });

  test("in JSON mode escapes values so the JSON text stays valid", () => {
    const key = pem(j("OPENSSH ", "PRIVATE KEY"), 2, 3);
    const keyPh = scrubber.scrubText(`key: ${key}`).text.slice(5);
    expect(keyPh).toMatch(/^SLUICE_PRIVATE_KEY_[A-Z2-7]{10}$/);
    const modelJson = JSON.stringify({ key: keyPh });
    for (let k = 0; k <= modelJson.length; k++) {
      const out = feed([modelJson.slice(0, k), modelJson.slice(k)], true).out;
      expect(JSON.parse(out)).toEqual({ key });
    }
  });
});
