import { describe, expect, test } from "bun:test";
import { bytes, decodeAll } from "./decode-all.ts";

const text = 'data: {"t":"héllo — 日本語 🎉 Ünïcödé"}\n\n';

describe("SseDecoder UTF-8", () => {
  test("multi-byte characters split at every byte boundary decode intact", () => {
    const all = bytes(text);
    for (let i = 1; i < all.length; i++) {
      expect(decodeAll([all.slice(0, i), all.slice(i)])).toEqual([
        { data: '{"t":"héllo — 日本語 🎉 Ünïcödé"}' },
      ]);
    }
  });

  test("one byte per chunk decodes intact", () => {
    const all = bytes(text);
    const chunks = Array.from(all, (b) => new Uint8Array([b]));
    expect(decodeAll(chunks)).toEqual([{ data: '{"t":"héllo — 日本語 🎉 Ünïcödé"}' }]);
  });

  test("an invalid sequence becomes U+FFFD instead of failing", () => {
    expect(decodeAll([new Uint8Array([0x64, 0x61, 0x74, 0x61, 0x3a, 0xff, 0x0a, 0x0a])])).toEqual([
      { data: "\uFFFD" },
    ]);
  });

  test("a sequence cut off by a string chunk is flushed as U+FFFD", () => {
    const euro = bytes("€");
    expect(decodeAll([bytes("data: "), euro.slice(0, 2), "\n\n"])).toEqual([{ data: "\uFFFD" }]);
  });
});
