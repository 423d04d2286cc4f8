import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bytes, decodeAll } from "./decode-all.ts";

const dir = join(import.meta.dir, "../../fixtures/usage");
const transcripts = readdirSync(dir)
  .filter((f) => f.endsWith(".sse"))
  .map((f) => ({ name: f, data: new Uint8Array(readFileSync(join(dir, f))) }));

// A transcript that exercises every rule at once: BOM, comments, id, retry, CR/LF/CRLF, multi-line data.
const edge = bytes(
  "\uFEFF: hello\r\nid: 1\rretry: 300\nevent: a\r\ndata: α\r\ndata:β\n\n:c\r\rdata: 🎉 end\r\n\r\ndata: tail",
);

/** Deterministic PRNG (mulberry32), so a failure always reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomSplit(data: Uint8Array, rand: () => number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let pos = 0;
  while (pos < data.length) {
    const len = 1 + Math.floor(rand() * Math.min(64, data.length - pos));
    parts.push(data.slice(pos, pos + len));
    pos += len;
  }
  return parts;
}

describe("SseDecoder fuzz", () => {
  test("the recorded transcripts are there to fuzz", () => {
    expect(transcripts.length).toBeGreaterThanOrEqual(5);
  });

  for (const { name, data } of [...transcripts, { name: "edge", data: edge }]) {
    test(`${name}: a split at every byte boundary yields the same events`, () => {
      const whole = decodeAll([data]);
      expect(whole.length).toBeGreaterThan(0);
      for (let i = 1; i < data.length; i++) {
        expect(decodeAll([data.subarray(0, i), data.subarray(i)])).toEqual(whole);
      }
    });

    test(`${name}: random splits into many pieces yield the same events`, () => {
      const whole = decodeAll([data]);
      const rand = rng(name.length * 7919);
      for (let round = 0; round < 200; round++) expect(decodeAll(randomSplit(data, rand))).toEqual(whole);
    });
  }

  test("CR, LF and CRLF versions of a transcript give the same events", () => {
    const text = new TextDecoder().decode(transcripts.find((t) => t.name === "anthropic-stream.sse")!.data);
    const lf = decodeAll([text]);
    expect(decodeAll([text.replaceAll("\n", "\r")])).toEqual(lf);
    expect(decodeAll([text.replaceAll("\n", "\r\n")])).toEqual(lf);
  });

  test("the edge transcript decodes as the spec says", () => {
    expect(decodeAll([edge])).toEqual([
      { id: "1", retry: 300, event: "a", data: "α\nβ" },
      { data: "🎉 end" },
      { data: "tail" },
    ]);
  });
});
