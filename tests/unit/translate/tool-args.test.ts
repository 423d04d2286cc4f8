// Tool-call arguments, streamed or whole: valid JSON passes as it came, fragment by fragment;
// repairable text is repaired; the rest stays visible under _raw_arguments, never `{}`.
import { describe, expect, test } from "bun:test";
import { repairArguments, ToolArgs } from "../../../src/translate/tool-args.ts";

/** Streams `text` in pieces of `size`, returning what a client would have put together. */
function streamed(text: string, size: number): { json: string; outcome: string; sentEarly: string } {
  const t = new ToolArgs();
  let json = "";
  for (let i = 0; i < text.length; i += size) json += t.push(text.slice(i, i + size));
  const sentEarly = json;
  const { tail, outcome } = t.finish();
  return { json: json + tail, outcome, sentEarly };
}

const SIZES = [1, 2, 3, 7, 1000];

describe("valid arguments", () => {
  const docs = [
    { command: "ls -la", timeout: 5 },
    { path: "a/b.ts", content: 'line "one"\nline\\two é 😀', n: -12.5e3, ok: true, none: null },
    { nested: { list: [1, [2, { deep: [] }], {}], empty: "" }, f: false },
    {},
  ];
  test("stream fragment by fragment to the same text, whatever the cut", () => {
    for (const doc of docs) {
      const text = JSON.stringify(doc);
      for (const size of SIZES) expect(streamed(text, size)).toMatchObject({ json: text, outcome: "exact" });
    }
  });
  test("most of the text goes out before the end (only a held comma or the closing brace waits)", () => {
    const text = JSON.stringify(docs[1]);
    expect(streamed(text, 3).sentEarly).toBe(text.slice(0, -1));
  });
  test("an object handed over whole is kept", () => {
    expect(repairArguments({ a: 1 })).toEqual({ json: '{"a":1}', outcome: "exact" });
    expect(repairArguments("")).toEqual({ json: "{}", outcome: "exact" });
    expect(repairArguments("  ")).toEqual({ json: "{}", outcome: "exact" });
  });
});

describe("repairable arguments", () => {
  const cases: [string, string, unknown][] = [
    ["cut inside a string", '{"command":"ls -l', { command: "ls -l" }],
    ["cut after a key", '{"command"', { command: null }],
    ["cut after a comma", '{"a":1,', { a: 1 }],
    ["cut inside a nested array", '{"a":[1,{"b":tr', { a: [1, { b: true }] }],
    ["a trailing comma", '{"a":1,}', { a: 1 }],
    ["trailing commas in nested containers", '{"a":[1,2,],"b":{"c":3,},}', { a: [1, 2], b: { c: 3 } }],
    ["raw newlines and tabs in a string", '{"content":"one\ntwo\tthree"}', { content: "one\ntwo\tthree" }],
    ["an object encoded as a JSON string", JSON.stringify('{"a":1}'), { a: 1 }],
  ];
  for (const [name, text, want] of cases) {
    test(name, () => {
      for (const size of SIZES) {
        const r = streamed(text, size);
        expect(JSON.parse(r.json)).toEqual(want);
        expect(r.outcome).toBe("repaired");
      }
      const whole = repairArguments(text);
      expect(JSON.parse(whole.json)).toEqual(want);
      expect(whole.outcome).toBe("repaired");
    });
  }
});

describe("arguments that cannot be repaired stay visible", () => {
  const cases: [string, string, unknown][] = [
    ["plain text", "ls -la", { _raw_arguments: "ls -la" }],
    ["a Python dict", "{'a': 1}", { _raw_arguments: "{'a': 1}" }],
    ["an array", "[1,2]", { _raw_arguments: "[1,2]" }],
    ["valid members, then junk", '{"a":1, oops}', { a: 1, _raw_arguments: '{"a":1, oops}' }],
    ["a whole object, then more", '{"a":1}}', { a: 1, _raw_arguments: '{"a":1}}' }],
    ["an empty object, then more", "{}x", { _raw_arguments: "{}x" }],
    ["a key cut by junk", '{"a":1,"b" 2}', { a: 1, b: null, _raw_arguments: '{"a":1,"b" 2}' }],
  ];
  for (const [name, text, want] of cases) {
    test(name, () => {
      for (const size of SIZES) {
        const r = streamed(text, size);
        expect(JSON.parse(r.json)).toEqual(want);
        expect(r.outcome).toBe("raw");
      }
      expect(JSON.parse(repairArguments(text).json)).toEqual(want);
    });
  }
});
