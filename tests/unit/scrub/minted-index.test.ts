// A worker's pseudonyms come back as a sorted byte index that the main thread looks up in place.
import { describe, expect, test } from "bun:test";
import { encodeMinted, mintedFromIndex, mintedFromMap } from "../../../src/scrub/minted-index.ts";

const minted = new Map<string, string>();
for (let i = 0; i < 2000; i++)
  minted.set(`SLUICE_GITHUB_TOKEN_${String(i * 7919).padStart(10, "A")}`, `v${i} café 🙂`);

describe("minted index", () => {
  test("finds every placeholder's value, and nothing for one it does not hold", () => {
    const index = mintedFromIndex(encodeMinted(minted));
    expect(index.size).toBe(minted.size);
    for (const [p, v] of minted) expect(index.get(p)).toBe(v);
    expect(index.get("SLUICE_GITHUB_TOKEN_ZZZZZZZZZZ")).toBeUndefined();
    expect(index.get("")).toBeUndefined();
  });

  test("lists its entries, at most as many as asked", () => {
    const index = mintedFromIndex(encodeMinted(minted));
    expect(new Map(index.entries())).toEqual(minted);
    expect([...index.entries(3)].length).toBe(3);
    expect([...mintedFromMap(minted).entries(5)].length).toBe(5);
  });

  test("an empty one answers nothing", () => {
    const index = mintedFromIndex(encodeMinted(new Map()));
    expect(index.size).toBe(0);
    expect(index.get("SLUICE_X_AAAAAAAAAA")).toBeUndefined();
  });
});
