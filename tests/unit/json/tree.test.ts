import { describe, expect, test } from "bun:test";
import { type JsonNode, MAX_JSON_DEPTH, nestedDeeperThan, parseTree } from "../../../src/json/tree.ts";

/** The value a tree stands for, numbers read from their span (as JSON.parse would). */
function valueAt(text: string, node: JsonNode): unknown {
  switch (node.type) {
    case "string":
      return node.value;
    case "number":
    case "boolean":
    case "null":
      return JSON.parse(text.slice(node.start, node.end));
    case "array":
      return node.items.map((n) => valueAt(text, n));
    case "object": {
      const out: Record<string, unknown> = {};
      for (const e of node.entries) out[e.key] = valueAt(text, e.node);
      return out;
    }
  }
}

function tree(text: string): JsonNode {
  const r = parseTree(text);
  if (!r.ok) throw new Error(r.error);
  return r.root;
}

/** Deterministic random JSON text with odd spacing, escapes and big numbers. */
function randomJson(seed: number, depth = 0): string {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state;
  };
  const pick = <T>(xs: readonly T[]): T => xs[next() % xs.length]!;
  const sp = () => pick(["", " ", "\n  ", "\t", "\r\n"]);
  const str = () =>
    pick([
      '"a"',
      '""',
      '"caf\\u00e9"',
      '"q\\"uote"',
      '"back\\\\slash"',
      '"\\/x"',
      '"日本🙂"',
      '"line\\nbreak"',
    ]);
  const num = () => pick(["0", "-1", "3.25", "1e999", "12345678901234567890", "-0.0e-7", "2E+3"]);
  const value = (d: number): string => {
    const k = next() % (d > 4 ? 4 : 6);
    if (k === 0) return str();
    if (k === 1) return num();
    if (k === 2) return pick(["true", "false", "null"]);
    if (k === 3) return pick(["[]", "{}", `[${sp()}]`]);
    if (k === 4) {
      const n = next() % 4;
      return `[${Array.from({ length: n }, () => sp() + value(d + 1) + sp()).join(",")}]`;
    }
    const n = next() % 4;
    const keys = ['"k"', '"k"', '"model"', '"\\u006dodel"', '"x y"'];
    return `{${Array.from({ length: n }, () => `${sp()}${pick(keys)}${sp()}:${sp()}${value(d + 1)}`).join(",")}}`;
  };
  return sp() + value(depth) + sp();
}

describe("parseTree", () => {
  test("reads what JSON.parse reads, with every value's span pointing at its own text", () => {
    for (let seed = 1; seed < 400; seed++) {
      const text = randomJson(seed);
      const root = tree(text);
      expect(valueAt(text, root)).toEqual(JSON.parse(text));
      const check = (n: JsonNode): void => {
        expect(JSON.parse(text.slice(n.start, n.end))).toEqual(valueAt(text, n));
        if (n.type === "array") n.items.forEach(check);
        if (n.type === "object") for (const e of n.entries) check(e.node);
      };
      check(root);
    }
  });

  test("keeps every copy of a duplicated key, in text order", () => {
    const root = tree('{"a":1,"b":2,"a":"x"}');
    if (root.type !== "object") throw new Error("not an object");
    expect(root.entries.map((e) => e.key)).toEqual(["a", "b", "a"]);
    expect(root.entries[2]!.node).toMatchObject({ type: "string", value: "x" });
  });

  test("decodes escaped keys and strings", () => {
    const root = tree('{"mod\\u0065l":"\\u0067hp\\/x"}');
    if (root.type !== "object") throw new Error("not an object");
    expect(root.entries[0]).toMatchObject({ key: "model", node: { value: "ghp/x" } });
  });

  test("keeps numbers as spans only", () => {
    const text = '{"n":12345678901234567890,"e":1e999}';
    const root = tree(text);
    if (root.type !== "object") throw new Error("not an object");
    const [n, e] = root.entries.map((x) => text.slice(x.node.start, x.node.end));
    expect([n, e]).toEqual(["12345678901234567890", "1e999"]);
  });

  test("accepts a leading byte-order mark", () => {
    expect(valueAt("\ufeff[1]", tree("\ufeff[1]"))).toEqual([1]);
  });

  test("refuses what JSON.parse refuses", () => {
    const bad = [
      "",
      " ",
      "{",
      '{"a"}',
      '{"a":}',
      '{"a":1,}',
      "[1,]",
      "[1 2]",
      "01",
      "1.",
      ".5",
      "+1",
      "NaN",
      "tru",
      "'a'",
      '"a',
      '"\\x"',
      '"\\u12g4"',
      '"tab\there"',
      "[1]x",
      "{1:2}",
    ];
    for (const text of bad) {
      expect(() => JSON.parse(text)).toThrow();
      expect(parseTree(text).ok).toBe(false);
    }
  });

  test("refuses nesting deeper than the limit as too deep, without a stack overflow", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(parseTree(deep)).toEqual({ ok: false, error: "nested too deeply", tooDeep: true });
    const limit = "[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH);
    expect(parseTree(limit).ok).toBe(true);
    expect(parseTree(`[${limit}]`).ok).toBe(false);
  });
});

describe("nestedDeeperThan", () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  test("counts brackets outside strings only", () => {
    const n = MAX_JSON_DEPTH;
    expect(nestedDeeperThan(bytes("[".repeat(n) + "]".repeat(n)))).toBe(false);
    expect(nestedDeeperThan(bytes(`[${"[".repeat(n)}${"]".repeat(n)}]`))).toBe(true);
    expect(nestedDeeperThan(bytes(`["${"[".repeat(n + 5)}", "\\"${"{".repeat(n + 5)}"]`))).toBe(false);
    expect(nestedDeeperThan(bytes(` \n{"a":${"[".repeat(n)}${"]".repeat(n)}}`))).toBe(true);
  });

  test("looks only at bodies that open with a bracket (not at binary or multipart)", () => {
    expect(nestedDeeperThan(bytes(`--b\r\n${"[".repeat(MAX_JSON_DEPTH + 10)}`))).toBe(false);
  });
});
