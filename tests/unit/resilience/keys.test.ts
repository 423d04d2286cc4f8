import { describe, expect, test } from "bun:test";
import {
  DEFAULT_REST_MS,
  FRESH,
  judgeKey,
  type KeyHealth,
  MAX_REST_MS,
  pickKey,
} from "../../../src/resilience/keys.ts";

const NOW = 1_000_000;
const health = (map: Record<string, Partial<KeyHealth>>) => (key: string) => ({ ...FRESH, ...map[key] });
const none = new Set<string>();

describe("picking a key", () => {
  test("an empty pool means no key of sluice's own", () => {
    expect(pickKey([], health({}), 0, none, NOW)).toEqual({ kind: "none" });
  });

  test("rotates from the start position, wrapping around", () => {
    expect(pickKey(["a", "b", "c"], health({}), 1, none, NOW)).toEqual({ kind: "key", key: "b", index: 1 });
    expect(pickKey(["a", "b", "c"], health({}), 5, none, NOW)).toEqual({ kind: "key", key: "c", index: 2 });
  });

  test("skips keys that rest, are out, or were tried in this call", () => {
    const h = health({ a: { restUntil: NOW + 5 }, b: { out: true } });
    expect(pickKey(["a", "b", "c", "d"], h, 0, new Set(["c"]), NOW)).toMatchObject({ key: "d" });
  });

  test("a rest that is over counts as healthy again", () => {
    expect(pickKey(["a"], health({ a: { restUntil: NOW } }), 0, none, NOW)).toMatchObject({ key: "a" });
  });

  test("when only resting keys are left, says how soon the first is free", () => {
    const h = health({ a: { restUntil: NOW + 9000 }, b: { restUntil: NOW + 4000 }, c: { out: true } });
    expect(pickKey(["a", "b", "c"], h, 0, none, NOW)).toEqual({ kind: "resting", waitMs: 4000 });
  });

  test("every key out is exhausted; every usable key tried in this call is spent", () => {
    expect(pickKey(["a", "b"], health({ a: { out: true }, b: { out: true } }), 0, none, NOW)).toEqual({
      kind: "exhausted",
    });
    expect(pickKey(["a", "b"], health({ b: { out: true } }), 0, new Set(["a"]), NOW)).toEqual({
      kind: "spent",
    });
  });
});

describe("what an answer does to a key", () => {
  test("401 and 403 take it out", () => {
    expect(judgeKey(401, null, NOW)).toEqual({ kind: "out" });
    expect(judgeKey(403, "5", NOW)).toEqual({ kind: "out" });
  });

  test("429 rests it for its retry-after, seconds or a date", () => {
    expect(judgeKey(429, "12", NOW)).toEqual({ kind: "rest", until: NOW + 12_000 });
    const at = Date.parse("2030-01-01T00:00:10Z");
    expect(judgeKey(429, "Tue, 01 Jan 2030 00:00:40 GMT", at)).toEqual({ kind: "rest", until: at + 30_000 });
  });

  test("429 without a usable retry-after rests for the default, and never beyond a day", () => {
    expect(judgeKey(429, null, NOW)).toEqual({ kind: "rest", until: NOW + DEFAULT_REST_MS });
    expect(judgeKey(429, "soon", NOW)).toEqual({ kind: "rest", until: NOW + DEFAULT_REST_MS });
    expect(judgeKey(429, "99999999", NOW)).toEqual({ kind: "rest", until: NOW + MAX_REST_MS });
  });

  test("anything else keeps it", () => {
    for (const s of [200, 400, 404, 500, 529]) expect(judgeKey(s, "3", NOW)).toEqual({ kind: "keep" });
  });
});
