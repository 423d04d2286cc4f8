import { describe, expect, test } from "bun:test";
import { SseDecoder } from "../../../src/sse/parse.ts";
import { decodeAll } from "./decode-all.ts";

describe("SseDecoder fields", () => {
  test("dispatches an event on a blank line, with its event name", () => {
    expect(decodeAll(["event: ping\ndata: {}\n\n"])).toEqual([{ event: "ping", data: "{}" }]);
  });

  test("returns events from the push that completes them, not before", () => {
    const d = new SseDecoder();
    expect(d.push("data: a\n")).toEqual([]);
    expect(d.push("\n")).toEqual([{ data: "a" }]);
  });

  test("strips exactly one leading space from a value", () => {
    expect(decodeAll(["data:x\n\ndata: x\n\ndata:  x\n\n"])).toEqual([
      { data: "x" },
      { data: "x" },
      { data: " x" },
    ]);
  });

  test("joins several data lines with a line feed", () => {
    expect(decodeAll(["data: one\ndata:\ndata: three\n\n"])).toEqual([{ data: "one\n\nthree" }]);
  });

  test("an empty data field still dispatches an empty event", () => {
    expect(decodeAll(["data\n\n", "data:\n\n"])).toEqual([{ data: "" }, { data: "" }]);
  });

  test("ignores comment lines and unknown fields", () => {
    expect(decodeAll([": keep-alive\nfoo: bar\ndata: x\n: more\n\n"])).toEqual([{ data: "x" }]);
  });

  test("a block without data is not dispatched, and resets the event name", () => {
    expect(decodeAll(["event: a\n\ndata: x\n\n"])).toEqual([{ data: "x" }]);
  });

  test("keeps id and numeric retry on the event that carried them", () => {
    expect(decodeAll(["id: 7\nretry: 1500\ndata: x\n\ndata: y\n\n"])).toEqual([
      { id: "7", retry: 1500, data: "x" },
      { data: "y" },
    ]);
  });

  test("ignores a retry that is not all digits and an id containing NUL", () => {
    expect(decodeAll(["retry: 15s\nid: a\u0000b\ndata: x\n\n"])).toEqual([{ data: "x" }]);
  });

  test("a colon inside the value is kept", () => {
    expect(decodeAll(['data: {"a":"b:c"}\n\n'])).toEqual([{ data: '{"a":"b:c"}' }]);
  });

  test("skips one byte order mark at the start of the stream only", () => {
    expect(decodeAll(["\uFEFFdata: x\n\n\uFEFFdata: y\n\n"])).toEqual([{ data: "x" }]);
  });

  test("a byte order mark arriving as bytes is skipped too", () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
    expect(decodeAll([bom.slice(0, 2), bom.slice(2), "data: x\n\n"])).toEqual([{ data: "x" }]);
  });

  test("finish dispatches an event whose final blank line never came", () => {
    expect(decodeAll(["data: last"])).toEqual([{ data: "last" }]);
    expect(decodeAll(["data: last\n"])).toEqual([{ data: "last" }]);
  });

  test("finish after a complete stream adds nothing", () => {
    const d = new SseDecoder();
    expect(d.push("data: x\n\n")).toEqual([{ data: "x" }]);
    expect(d.finish()).toEqual([]);
  });
});
