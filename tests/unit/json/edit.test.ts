import { describe, expect, test } from "bun:test";
import { applySplices, nodeAt, replaceString, setField, setFields } from "../../../src/json/edit.ts";
import { parseTree } from "../../../src/json/tree.ts";

const BIG = '{"seed":12345678901234567890,"t":1e999,"f":0.1000000000000000055511151231257827}';

describe("applySplices", () => {
  test("returns the very same string without splices", () => {
    const text = '{ "a" : 1 }';
    expect(applySplices(text, [])).toBe(text);
  });

  test("applies splices given in any order and leaves the rest byte for byte", () => {
    const text = '{"a":"x", "n": 1e999, "b":"y"}';
    const root = parseTree(text);
    if (!root.ok || root.root.type !== "object") throw new Error("bad");
    const [a, , b] = root.root.entries;
    const out = applySplices(text, [replaceString(b!.node, 'q"1'), replaceString(a!.node, "z")]);
    expect(out).toBe('{"a":"z", "n": 1e999, "b":"q\\"1"}');
  });

  test("refuses overlapping splices", () => {
    expect(() =>
      applySplices("abcdef", [
        { start: 1, end: 4, text: "" },
        { start: 3, end: 5, text: "" },
      ]),
    ).toThrow("overlapping");
  });
});

describe("setField", () => {
  test("replaces a top-level field and keeps lossless numbers as they were", () => {
    const out = setField(`{"model":"a",${BIG.slice(1)}`, ["model"], '"b"')!;
    expect(out).toBe(`{"model":"b",${BIG.slice(1)}`);
  });

  test("adds a missing field at the end of the object, keeping its layout", () => {
    expect(setField('{ "a": 1 }', ["b"], "true")).toBe('{ "a": 1,"b":true }');
    expect(setField("{}", ["b"], "true")).toBe('{"b":true}');
    expect(setField(" { \n } ", ["b"], "2")).toBe(' {"b":2 \n } ');
  });

  test("sets nested fields, creating or replacing objects on the way", () => {
    expect(setField('{"stream":true}', ["stream_options", "include_usage"], "true")).toBe(
      '{"stream":true,"stream_options":{"include_usage":true}}',
    );
    expect(setField('{"stream_options":{"x":1e999}}', ["stream_options", "include_usage"], "true")).toBe(
      '{"stream_options":{"x":1e999,"include_usage":true}}',
    );
    expect(setField('{"stream_options":null}', ["stream_options", "include_usage"], "true")).toBe(
      '{"stream_options":{"include_usage":true}}',
    );
    expect(setField('{"o":{"include_usage":false}}', ["o", "include_usage"], "true")).toBe(
      '{"o":{"include_usage":true}}',
    );
  });

  test("sets every copy of a duplicated key", () => {
    const out = setField('{"model":"a","x":1,"model":"c"}', ["model"], '"b"')!;
    expect(out).toBe('{"model":"b","x":1,"model":"b"}');
    expect(JSON.parse(out).model).toBe("b");
  });

  test("matches escaped keys by their decoded name", () => {
    expect(setField('{"mod\\u0065l":"a"}', ["model"], '"b"')).toBe('{"mod\\u0065l":"b"}');
  });

  test("answers undefined for anything but a JSON object", () => {
    for (const text of ["[1]", '"s"', "{", "", "1e999"]) expect(setField(text, ["a"], "1")).toBeUndefined();
  });

  test("results always parse, for random bodies and paths", () => {
    const bodies = ["{}", '{"a":{}}', '{"a":[1,{"b":2}],"c":"d"}', '{"a":1,"a":{"b":null}}', BIG];
    const paths = [["a"], ["a", "b"], ["c", "d", "e"], ["seed"], ["t", "u"]];
    for (const body of bodies) {
      for (const path of paths) {
        const out = setField(body, path, '{"v":12345678901234567890}')!;
        const parsed = JSON.parse(out);
        let at: unknown = parsed;
        for (const k of path) at = (at as Record<string, unknown>)[k];
        expect(out).toContain('{"v":12345678901234567890}');
        expect(typeof at).toBe("object");
        expect(out).toContain("12345678901234567890");
      }
    }
  });
});

describe("setFields", () => {
  test("sets several fields in one pass", () => {
    const text = '{"model":"a","max_tokens":128000,"thinking":{"type":"enabled","budget_tokens":200000}}';
    expect(
      setFields(text, [
        [["model"], '"m"'],
        [["max_tokens"], "4096"],
        [["thinking", "budget_tokens"], "4095"],
      ]),
    ).toBe('{"model":"m","max_tokens":4096,"thinking":{"type":"enabled","budget_tokens":4095}}');
  });
});

describe("nodeAt", () => {
  test("finds the copy JSON.parse would keep", () => {
    const text = '{"a":{"b":1},"a":{"b":2}}';
    const tree = parseTree(text);
    if (!tree.ok) throw new Error("bad");
    const node = nodeAt(tree.root, ["a", "b"])!;
    expect(text.slice(node.start, node.end)).toBe("2");
    expect(nodeAt(tree.root, ["x"])).toBeUndefined();
    expect(nodeAt(tree.root, ["a", "b", "c"])).toBeUndefined();
  });
});
