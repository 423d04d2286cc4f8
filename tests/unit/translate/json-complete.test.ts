import { describe, expect, test } from "bun:test";
import { completeJson } from "../../../src/translate/json-complete.ts";

const documents = [
  {
    path: "src/a.ts",
    content: 'line "one"\nline\\two \u00e9 \ud83d\ude00',
    n: -12.5e3,
    ok: true,
    none: null,
  },
  { nested: { list: [1, [2, { deep: [] }], {}], empty: "" }, f: false },
  { "": "empty key", "\\": "\\\\" },
];

describe("completeJson", () => {
  test("completes every prefix of a JSON object into something that parses", () => {
    for (const doc of documents) {
      const text = JSON.stringify(doc);
      for (let i = 1; i <= text.length; i++) {
        const prefix = text.slice(0, i);
        const suffix = completeJson(prefix);
        expect(suffix).toBeDefined();
        expect(() => JSON.parse(prefix + suffix)).not.toThrow();
      }
    }
  });

  test("adds nothing to complete JSON", () => {
    for (const doc of documents) expect(completeJson(JSON.stringify(doc))).toBe("");
  });

  test("finishes an escape or a unicode escape cut in the middle", () => {
    expect(JSON.parse(`{"a":"x\\${completeJson('{"a":"x\\')}`)).toEqual({ a: "x\\" });
    expect(JSON.parse(`{"a":"\\u00${completeJson('{"a":"\\u00')}`)).toEqual({ a: "\u0000" });
  });

  test("says undefined for text that no suffix can mend", () => {
    expect(completeJson("garbage")).toBeUndefined();
    expect(completeJson('{"a" 1')).toBeUndefined();
    expect(completeJson("{}}")).toBeUndefined();
  });
});
