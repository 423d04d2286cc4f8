// Owns reading raw JSON text into a tree that remembers where every value sits in the text, so a
// body can be edited by spans instead of re-serialized (src/json/edit.ts). Pure. Promises:
// - accepts exactly RFC 8259 JSON (plus one leading byte-order mark); anything else is an error;
// - numbers are never converted: a number is only a span, so 12345678901234567890 and 1e999
//   survive an edit of some other part byte for byte;
// - every copy of a duplicated object key is kept, in text order (an upstream parser may keep
//   either one, so an edit must be able to reach both);
// - no recursion, and nesting deeper than `maxDepth` is an error of its own (`tooDeep`), so a
//   body nested 100,000 deep costs a quick 400, not a stack overflow;
// - linear in the text: each character is looked at a bounded number of times.

export interface StringNode {
  type: "string";
  /** Offset of the opening quote. */
  start: number;
  /** Offset just past the closing quote. */
  end: number;
  /** The decoded value. */
  value: string;
}

export interface ScalarNode {
  type: "number" | "boolean" | "null";
  start: number;
  end: number;
}

export interface Entry {
  key: string;
  /** Offset of the key's opening quote. */
  keyStart: number;
  node: JsonNode;
}

export interface ObjectNode {
  type: "object";
  start: number;
  end: number;
  /** In text order, duplicates included. */
  entries: Entry[];
}

export interface ArrayNode {
  type: "array";
  start: number;
  end: number;
  items: JsonNode[];
}

export type JsonNode = StringNode | ScalarNode | ObjectNode | ArrayNode;

export type TreeResult = { ok: true; root: JsonNode } | { ok: false; error: string; tooDeep: boolean };

/** Nesting sluice accepts in a body it reads; real requests stay far below (tool schemas, ~20). */
export const MAX_JSON_DEPTH = 512;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw control characters in strings.
const CONTROL = /[\u0000-\u001f]/;

class Syntax extends Error {}

function skipSpace(text: string, at: number): number {
  let i = at;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
}

/** The string token at `at` (an opening quote). */
function readString(text: string, at: number): StringNode {
  // The closing quote is the first one not escaped by an odd run of backslashes.
  let close = text.indexOf('"', at + 1);
  for (;;) {
    if (close < 0) throw new Syntax("unterminated string");
    let b = close - 1;
    while (text.charCodeAt(b) === 92) b--;
    if ((close - 1 - b) % 2 === 0) break;
    close = text.indexOf('"', close + 1);
  }
  const raw = text.slice(at + 1, close);
  if (raw.indexOf("\\") < 0) {
    if (CONTROL.test(raw)) throw new Syntax("control character in a string");
    return { type: "string", start: at, end: close + 1, value: raw };
  }
  // Escapes: the engine's own parser decodes them and refuses bad ones.
  try {
    return {
      type: "string",
      start: at,
      end: close + 1,
      value: JSON.parse(text.slice(at, close + 1)) as string,
    };
  } catch {
    throw new Syntax("bad escape in a string");
  }
}

function readScalar(text: string, at: number): ScalarNode {
  const c = text.charCodeAt(at);
  if (c === 116 && text.startsWith("true", at)) return { type: "boolean", start: at, end: at + 4 };
  if (c === 102 && text.startsWith("false", at)) return { type: "boolean", start: at, end: at + 5 };
  if (c === 110 && text.startsWith("null", at)) return { type: "null", start: at, end: at + 4 };
  NUMBER.lastIndex = at;
  if ((c === 45 || (c >= 48 && c <= 57)) && NUMBER.test(text)) {
    return { type: "number", start: at, end: NUMBER.lastIndex };
  }
  throw new Syntax(Number.isNaN(c) ? "unexpected end" : "unexpected character");
}

interface Frame {
  node: ObjectNode | ArrayNode;
  key: string;
  keyStart: number;
}

/** Reads `"key" :` at `at`; returns the offset after the colon. */
function readKey(text: string, at: number, frame: Frame): number {
  if (text.charCodeAt(at) !== 34) throw new Syntax("expected a key");
  const key = readString(text, at);
  frame.key = key.value;
  frame.keyStart = at;
  const colon = skipSpace(text, key.end);
  if (text.charCodeAt(colon) !== 58) throw new Syntax("expected ':'");
  return colon + 1;
}

/** Parses `text` as one JSON value. */
export function parseTree(text: string, maxDepth = MAX_JSON_DEPTH): TreeResult {
  try {
    return { ok: true, root: parse(text, maxDepth) };
  } catch (err) {
    if (err instanceof Syntax) return { ok: false, error: err.message, tooDeep: false };
    if (err instanceof RangeError) return { ok: false, error: "nested too deeply", tooDeep: true };
    throw err;
  }
}

function parse(text: string, maxDepth: number): JsonNode {
  const stack: Frame[] = [];
  let i = skipSpace(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  for (;;) {
    // A value starts at i.
    i = skipSpace(text, i);
    const c = text.charCodeAt(i);
    let value: JsonNode;
    if (c === 123 || c === 91) {
      if (stack.length >= maxDepth) throw new RangeError("too deep");
      const node: ObjectNode | ArrayNode =
        c === 123
          ? { type: "object", start: i, end: 0, entries: [] }
          : { type: "array", start: i, end: 0, items: [] };
      const inner = skipSpace(text, i + 1);
      if (text.charCodeAt(inner) === (c === 123 ? 125 : 93)) {
        node.end = inner + 1;
        i = inner + 1;
        value = node;
      } else {
        const frame: Frame = { node, key: "", keyStart: 0 };
        stack.push(frame);
        i = c === 123 ? readKey(text, inner, frame) : inner;
        continue;
      }
    } else if (c === 34) {
      value = readString(text, i);
      i = value.end;
    } else {
      value = readScalar(text, i);
      i = value.end;
    }
    // Attach the value, then close every container that ends here.
    for (;;) {
      const top = stack.at(-1);
      if (top === undefined) {
        if (skipSpace(text, i) !== text.length) throw new Syntax("text after the value");
        return value;
      }
      if (top.node.type === "object")
        top.node.entries.push({ key: top.key, keyStart: top.keyStart, node: value });
      else top.node.items.push(value);
      i = skipSpace(text, i);
      const d = text.charCodeAt(i);
      if (d === 44) {
        i = top.node.type === "object" ? readKey(text, skipSpace(text, i + 1), top) : i + 1;
        break;
      }
      if (d !== (top.node.type === "object" ? 125 : 93))
        throw new Syntax("expected ',' or a closing bracket");
      top.node.end = i + 1;
      i++;
      stack.pop();
      value = top.node;
    }
  }
}

const STRUCTURE = /["\\[\]{}]/g;

/**
 * True when `bytes` look like JSON (the first byte past white space opens an object or array)
 * nested deeper than `maxDepth`, counting brackets outside strings. One pass, no parse: the regex
 * engine skips everything but quotes, backslashes and brackets (a 10 MiB body in a few ms).
 */
export function nestedDeeperThan(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): boolean {
  let first = 0;
  while (
    first < bytes.length &&
    (bytes[first] === 32 || bytes[first] === 10 || bytes[first] === 13 || bytes[first] === 9)
  )
    first++;
  if (bytes[first] !== 123 && bytes[first] !== 91) return false;
  // One character per byte: brackets, quotes and backslashes are ASCII, so positions agree.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  let depth = 0;
  let inString = false;
  STRUCTURE.lastIndex = first;
  for (let m = STRUCTURE.exec(text); m !== null; m = STRUCTURE.exec(text)) {
    const c = text.charCodeAt(m.index);
    if (inString) {
      if (c === 92) STRUCTURE.lastIndex = m.index + 2;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > maxDepth) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}
