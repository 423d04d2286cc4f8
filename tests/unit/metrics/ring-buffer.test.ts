import { describe, expect, test } from "bun:test";
import { RingBuffer } from "../../../src/metrics/ring-buffer.ts";

describe("RingBuffer", () => {
  test("iterates newest first before it is full", () => {
    const r = new RingBuffer<number>(4);
    r.push(1);
    r.push(2);
    expect([...r]).toEqual([2, 1]);
    expect(r.size).toBe(2);
  });

  test("wraps around, keeping the last `capacity` items and returning the one it evicts", () => {
    const r = new RingBuffer<number>(3);
    const evicted = [1, 2, 3, 4, 5, 6, 7].map((n) => r.push(n));
    expect(evicted).toEqual([undefined, undefined, undefined, 1, 2, 3, 4]);
    expect([...r]).toEqual([7, 6, 5]);
    expect(r.toArray()).toEqual([7, 6, 5]);
    expect(r.size).toBe(3);
    expect(r.capacity).toBe(3);
  });

  test("at() indexes from the newest and stops at the end", () => {
    const r = new RingBuffer<string>(2);
    for (const s of ["a", "b", "c"]) r.push(s);
    expect([r.at(0), r.at(1), r.at(2), r.at(-1)]).toEqual(["c", "b", undefined, undefined]);
  });

  test("toArray(limit) gives the newest few", () => {
    const r = new RingBuffer<number>(5);
    for (let i = 0; i < 12; i++) r.push(i);
    expect(r.toArray(2)).toEqual([11, 10]);
    expect(r.toArray(99)).toEqual([11, 10, 9, 8, 7]);
  });

  test("clear empties it", () => {
    const r = new RingBuffer<number>(2);
    r.push(1);
    r.clear();
    expect([...r]).toEqual([]);
    r.push(9);
    expect([...r]).toEqual([9]);
  });

  test("refuses a capacity below one", () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
