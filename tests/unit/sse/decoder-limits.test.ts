import { describe, expect, test } from "bun:test";
import { SseDecoder } from "../../../src/sse/parse.ts";
import { decodeAll } from "./decode-all.ts";

describe("SseDecoder size cap", () => {
  test("drops an event larger than maxEventBytes, counts it, and keeps decoding", () => {
    const d = new SseDecoder({ maxEventBytes: 64 });
    const big = `data: ${"x".repeat(100)}\n\n`;
    expect(d.push(`data: a\n\n${big}data: b\n\n`)).toEqual([{ data: "a" }, { data: "b" }]);
    expect(d.dropped).toBe(1);
  });

  test("an event made of many small lines is capped as a whole", () => {
    const d = new SseDecoder({ maxEventBytes: 64 });
    const lines = "data: 0123456789\n".repeat(10);
    expect(d.push(`${lines}\ndata: ok\n\n`)).toEqual([{ data: "ok" }]);
    expect(d.dropped).toBe(1);
  });

  test("a giant line trickled in small chunks is never buffered past the cap", () => {
    const d = new SseDecoder({ maxEventBytes: 1024 });
    const out = [...d.push("data: ")];
    for (let i = 0; i < 10_000; i++) out.push(...d.push("y".repeat(100)));
    out.push(...d.push("\n"), ...d.push("\n"), ...d.push("data: after\n\n"));
    expect(out).toEqual([{ data: "after" }]);
    expect(d.dropped).toBe(1);
  });

  test("the rest of a dropped line is not mistaken for a blank line", () => {
    const d = new SseDecoder({ maxEventBytes: 16 });
    // The oversized line ends exactly at a chunk edge; the next chunk opens with its LF.
    const out = [...d.push(`data: ${"z".repeat(40)}`), ...d.push("\ndata: tail\n\ndata: next\n\n")];
    expect(out).toEqual([{ data: "next" }]);
    expect(d.dropped).toBe(1);
  });

  test("an event just under the cap is kept", () => {
    const data = "q".repeat(50);
    expect(decodeAll([`data: ${data}\n\n`], { maxEventBytes: 64 })).toEqual([{ data }]);
  });

  test("an oversized event cut off by the end of the stream is dropped, not dispatched", () => {
    const d = new SseDecoder({ maxEventBytes: 16 });
    expect([...d.push(`data: ${"w".repeat(40)}`), ...d.finish()]).toEqual([]);
    expect(d.dropped).toBe(1);
  });
});
