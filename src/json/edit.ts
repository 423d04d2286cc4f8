// Owns changing a JSON body without re-serializing it: only the spans that change are rewritten,
// every other byte (numbers such as 12345678901234567890 or 1e999, key order, white space,
// escapes) stays as the client sent it. Pure. Used wherever sluice rewrites a request: scrubbing
// (string values), include_usage, routed model names and token caps (fields).
// Promises:
// - `applySplices` with no splices returns the very same string;
// - a field set by `setField` replaces every copy of a duplicated key (an upstream parser may
//   keep either), and a missing one is added at the end of its object;
// - the result of setting a field is valid JSON whenever the input and the value are.
import { type JsonNode, type ObjectNode, parseTree } from "./tree.ts";

/** Replace text[start, end) with `text`. */
export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping splices (in any order); overlapping ones are a programming error. */
export function applySplices(text: string, splices: readonly Splice[]): string {
  if (splices.length === 0) return text;
  const sorted = [...splices].sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let pos = 0;
  for (const s of sorted) {
    if (s.start < pos) throw new Error("overlapping JSON splices");
    parts.push(text.slice(pos, s.start), s.text);
    pos = s.end;
  }
  parts.push(text.slice(pos));
  return parts.join("");
}

/** A splice that turns the string node into `value`, JSON-encoded. */
export function replaceString(node: { start: number; end: number }, value: string): Splice {
  return { start: node.start, end: node.end, text: JSON.stringify(value) };
}

/** `{"a":{"b":json}}` for path ["a", "b"]. */
function nested(path: readonly string[], json: string): string {
  let out = json;
  for (let i = path.length - 1; i >= 0; i--) out = `{${JSON.stringify(path[i])}:${out}}`;
  return out;
}

/** Splices that make `path` inside `obj` hold `json`. */
export function fieldSplices(obj: ObjectNode, path: readonly string[], json: string): Splice[] {
  const [key, ...rest] = path;
  if (key === undefined) return [];
  const copies = obj.entries.filter((e) => e.key === key);
  if (copies.length === 0) {
    const member = `${JSON.stringify(key)}:${nested(rest, json)}`;
    const last = obj.entries.at(-1);
    // After the last member keeps the object's own layout; an empty one gets it after "{".
    if (last) return [{ start: last.node.end, end: last.node.end, text: `,${member}` }];
    return [{ start: obj.start + 1, end: obj.start + 1, text: member }];
  }
  const out: Splice[] = [];
  for (const { node } of copies) {
    if (rest.length === 0) out.push({ start: node.start, end: node.end, text: json });
    else if (node.type === "object") out.push(...fieldSplices(node, rest, json));
    else out.push({ start: node.start, end: node.end, text: nested(rest, json) });
  }
  return out;
}

/**
 * `text` with the field at `path` set to the JSON text `json` (e.g. '"gpt-4.1"', 'true', '128');
 * objects on the way are created or, when they are not objects, replaced. Undefined when `text`
 * is not a JSON object.
 */
export function setField(text: string, path: readonly string[], json: string): string | undefined {
  const tree = parseTree(text);
  if (!tree.ok || tree.root.type !== "object") return undefined;
  return applySplices(text, fieldSplices(tree.root, path, json));
}

/** Sets several fields at once (paths must not be prefixes of each other). */
export function setFields(
  text: string,
  fields: readonly [path: readonly string[], json: string][],
): string | undefined {
  const tree = parseTree(text);
  if (!tree.ok || tree.root.type !== "object") return undefined;
  const root = tree.root;
  return applySplices(
    text,
    fields.flatMap(([path, json]) => fieldSplices(root, path, json)),
  );
}

/** The node a JSON.parse would keep at `path` (the last copy of each key), or undefined. */
export function nodeAt(root: JsonNode, path: readonly string[]): JsonNode | undefined {
  let node: JsonNode | undefined = root;
  for (const key of path) {
    if (node?.type !== "object") return undefined;
    const entries: ObjectNode["entries"] = node.entries;
    node = undefined;
    for (let i = entries.length - 1; i >= 0; i--) {
      if (entries[i]!.key === key) {
        node = entries[i]!.node;
        break;
      }
    }
  }
  return node;
}
