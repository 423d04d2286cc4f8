import { describe, expect, test } from "bun:test";
import { type JsonArrayFrame, JsonArraySplitter } from "../../../src/sse/json-array.ts";
import { bytes } from "./decode-all.ts";

const text = new TextDecoder();

function splitAll(chunks: readonly Uint8Array[], max = 1 << 20) {
  const splitter = new JsonArraySplitter(max);
  const frames: JsonArrayFrame[] = [];
  for (const c of chunks) frames.push(...splitter.push(c));
  frames.push(...splitter.finish());
  return {
    frames,
    splitter,
    bytes: new Uint8Array(Buffer.concat(frames.map((f) => f.bytes))) as Uint8Array,
    elements: frames.filter((f) => f.kind === "element").map((f) => text.decode(f.bytes)),
  };
}

const elements = [
  JSON.stringify({ candidates: [{ content: { parts: [{ text: 'a "quoted" ]} [{ \\ ü 🎉' }] } }] }, null, 2),
  JSON.stringify({ nested: [[1, [2]], {}], s: "\\" }),
  "[]",
  '"a string, with ] and \\" inside"',
  "12.5e3",
  "true",
  "null",
];
const body = ` \r\n[${elements.join(",\r\n")}\r\n]\n`;

describe("JsonArraySplitter", () => {
  test("at every split in two, the bytes come out unchanged and every element whole", () => {
    const data = bytes(body);
    for (let i = 0; i <= data.length; i++) {
      const got = splitAll([data.subarray(0, i), data.subarray(i)]);
      expect(got.bytes).toEqual(data);
      expect(got.elements).toEqual(elements);
      expect(got.frames.filter((f) => f.kind === "close")).toHaveLength(1);
    }
  });

  test("one byte at a time gives the same", () => {
    const data = bytes(body);
    const got = splitAll([...data].map((b) => new Uint8Array([b])));
    expect(got.bytes).toEqual(data);
    expect(got.elements).toEqual(elements);
  });

  test("an element goes out when its last byte arrives; what lies between elements at once", () => {
    const splitter = new JsonArraySplitter(1024);
    expect(splitter.push(bytes('[{"a":'))).toEqual([{ kind: "raw", bytes: bytes("[") }]);
    expect(splitter.push(bytes('"}"}'))).toEqual([{ kind: "element", bytes: bytes('{"a":"}"}') }]);
    expect(splitter.push(bytes(",\r\n"))).toEqual([{ kind: "raw", bytes: bytes(",\r\n") }]);
    expect(splitter.separator).toBe(",");
    splitter.push(bytes("1"));
    expect(splitter.push(bytes("\r\n]"))).toEqual([
      { kind: "element", bytes: bytes("1") },
      { kind: "raw", bytes: bytes("\r\n") },
      { kind: "close", bytes: bytes("]") },
    ]);
    expect(splitter.separator).toBe(",\r\n");
    expect(splitter.open).toBe(false);
  });

  test("an element over the cap is passed on as it arrives, and the next one is whole again", () => {
    const big = JSON.stringify({ inlineData: { data: "x".repeat(200), note: "]}" } });
    const data = bytes(`[${big},{"b":1}]`);
    const got = splitAll([data.subarray(0, 60), data.subarray(60, 120), data.subarray(120)], 64);
    expect(got.bytes).toEqual(data);
    expect(got.frames.map((f) => f.kind)).toContain("oversized");
    expect(got.elements).toEqual(['{"b":1}']);
  });

  test("a body that is not an array is left whole", () => {
    const got = splitAll([bytes(' {"error":'), bytes("{}}")]);
    expect(got.frames.map((f) => f.kind)).toEqual(["other", "other"]);
    expect(text.decode(got.bytes)).toBe(' {"error":{}}');
  });

  test("a stream cut inside an element ends with its bytes, raw", () => {
    const got = splitAll([bytes('[{"a":1},'), bytes('{"b":')]);
    expect(got.elements).toEqual(['{"a":1}']);
    expect(got.frames.at(-1)).toEqual({ kind: "raw", bytes: bytes('{"b":') });
    expect(got.splitter.open).toBe(false);
  });
});
