// Owns putting real values back in place of pseudonyms: in a whole text, in JSON response bodies
// (content strings only, by the same rule the scrubber scans), and in text that arrives in pieces.
// The stream restorer promises that the concatenation of its outputs equals restoring the
// concatenation of its inputs, whatever the split, and that it holds back only a tail that could
// still grow into a pseudonym: text that cannot be part of one is never delayed.

import { applySplices, replaceString, type Splice } from "../json/edit.ts";
import { parseTree } from "../json/tree.ts";
import { forEachContentString, type JsonValue, mapContentStrings } from "./json-walk.ts";
import type { PlaceholderGrammar } from "./placeholder.ts";

/** The real value behind a pseudonym, or undefined when this process did not make it. */
export type Lookup = (placeholder: string) => string | undefined;

/** Fields whose string value is JSON text (tool arguments), where a value must stay valid JSON. */
export function isJsonTextField(key: string | undefined): boolean {
  return key === "arguments" || key === "partial_json";
}

/**
 * `value` fit for insertion into JSON string content. A value scrubbed from JSON text is already
 * escaped and goes back as is; a raw value (real newlines, quotes) is escaped.
 */
function asJsonContent(value: string): string {
  const escaped = JSON.stringify(value);
  if (escaped.length === value.length + 2) return value;
  try {
    JSON.parse(`"${value}"`);
    return value;
  } catch {
    return escaped.slice(1, -1);
  }
}

/** Replaces every complete pseudonym in `text` that `lookup` knows. */
export function restoreText(text: string, grammar: PlaceholderGrammar, lookup: Lookup, json = false): string {
  if (!text.includes("SLUICE_")) return text;
  const re = grammar.pattern;
  re.lastIndex = 0;
  let out = "";
  let pos = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const value = lookup(m[0]);
    if (value === undefined) continue;
    out += text.slice(pos, m.index) + (json ? asJsonContent(value) : value);
    pos = m.index + m[0].length;
  }
  return pos === 0 ? text : out + text.slice(pos);
}

/** Restores the content strings of a parsed JSON value; same reference when nothing changed. */
export function restoreJsonValue(value: JsonValue, grammar: PlaceholderGrammar, lookup: Lookup): JsonValue {
  return mapContentStrings(value, (s, key) => restoreText(s, grammar, lookup, isJsonTextField(key)));
}

/**
 * Restores a non-streamed response body. JSON bodies are restored in content strings only, and
 * only those strings are rewritten (numbers and layout stay as upstream sent them); other text is
 * restored as plain text.
 */
export function restoreJsonBody(text: string, grammar: PlaceholderGrammar, lookup: Lookup): string {
  if (!text.includes("SLUICE_")) return text;
  const tree = parseTree(text);
  if (!tree.ok) return restoreText(text, grammar, lookup);
  const splices: Splice[] = [];
  forEachContentString(tree.root, (node, key) => {
    const out = restoreText(node.value, grammar, lookup, isJsonTextField(key));
    if (out !== node.value) splices.push(replaceString(node, out));
  });
  return applySplices(text, splices);
}

/** One channel of streamed text (a content block, a tool call's arguments, a candidate's text). */
export interface StreamRestorer {
  /** Restored text that is safe to emit now; a possible pseudonym start is kept back. */
  push(text: string): string;
  /** Everything kept back, restored; the channel is empty afterwards. */
  end(): string;
  /** True while some text is kept back. */
  readonly holding: boolean;
}

export function createStreamRestorer(
  grammar: PlaceholderGrammar,
  lookup: Lookup,
  json = false,
): StreamRestorer {
  let held = "";
  return {
    get holding() {
      return held.length > 0;
    },
    push(text: string): string {
      const buf = held.length === 0 ? text : held + text;
      let cut = buf.length;
      // Only the last maxLength-1 characters can be an unfinished pseudonym; the earliest
      // possible start wins, so a pseudonym is never split between emitted and held text.
      // The search starts after the last complete pseudonym, so an "S" inside one (its hash
      // may end in S) is never taken for the start of another.
      let from = Math.max(0, buf.length - grammar.maxLength + 1);
      grammar.pattern.lastIndex = 0;
      for (let m = grammar.pattern.exec(buf); m !== null; m = grammar.pattern.exec(buf)) {
        from = Math.max(from, m.index + m[0].length);
      }
      for (let i = from; i < buf.length; i++) {
        if (buf.charCodeAt(i) === 83 /* S */ && grammar.couldBegin(buf.slice(i))) {
          cut = i;
          break;
        }
      }
      held = buf.slice(cut);
      return restoreText(cut === buf.length ? buf : buf.slice(0, cut), grammar, lookup, json);
    },
    end(): string {
      const out = restoreText(held, grammar, lookup, json);
      held = "";
      return out;
    },
  };
}
