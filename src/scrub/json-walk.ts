// Owns which JSON string values of a provider request or response are content (scanned by the
// scrubber, restored by restore) and which are structure. Scrub and restore share this one rule so
// a real value is only ever put back where the next request would scrub it again. The rule is
// written once (ruleFor / isMedia) and walked over two shapes: raw-text trees (src/json/tree.ts,
// request bodies and whole answers, edited by spans) and parsed values (SSE events).
//
// The rule, for a string value reached under `key` in object `parent`:
// - object keys are never touched, only values;
// - STRUCTURAL keys are skipped with their whole subtree: identifiers, enums, tool names and
//   schemas, signed or encrypted blobs (thinking, signature, encrypted_content), and credentials
//   meant for the provider itself (authorization_token of MCP servers);
// - media is skipped only when it really is media: the field is a media field (`data` of a base64
//   source, inline data, audio or redacted thinking; `image_url` / `image_url.url`; `file_data`)
//   and the value is valid standard base64 from start to end (bare, or after a `data:<type>;base64,`
//   prefix). Anything else there, and data: URLs anywhere else, are content;
// - tool inputs written by the model (Anthropic tool_use `input`, Gemini functionCall `args`) and
//   tool outputs sent to Gemini (functionResponse `response`) are free-form: every string inside is
//   content, whatever its key.
// Duplicated keys: every copy is walked. A sibling that decides a skip (`type` of a base64 source)
// counts only when every copy agrees; one that widens the scan (`type` of a tool_use) when any does.

import type { JsonNode, ObjectNode, StringNode } from "../json/tree.ts";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Called for every content string; `key` is its property name (undefined inside arrays). */
export type StringMapper = (value: string, key: string | undefined) => string;

const STRUCTURAL = new Set([
  "model",
  "role",
  "type",
  "id",
  "tool_use_id",
  "tool_call_id",
  "call_id",
  "item_id",
  "name",
  "index",
  "object",
  "media_type",
  "mime_type",
  "mimeType",
  "signature",
  "thoughtSignature",
  "thought_signature",
  "encrypted_content",
  "thinking",
  "stop_reason",
  "finish_reason",
  "finishReason",
  "stop",
  "stop_sequences",
  "stopSequences",
  "cache_control",
  "metadata",
  "input_schema",
  "parameters",
  "parametersJsonSchema",
  "response_format",
  "responseSchema",
  "responseJsonSchema",
  "schema",
  "json_schema",
  "tool_choice",
  "toolConfig",
  "generationConfig",
  "safetySettings",
  "output_config",
  "context_management",
  "authorization_token",
]);

/** The keys the documentation lists as skipped by design (README "Secret scrubbing"). */
export const STRUCTURAL_KEYS: readonly string[] = [...STRUCTURAL];

const TOOL_USE_TYPES = new Set(["tool_use", "server_tool_use", "mcp_tool_use"]);
const BINARY_TYPES = new Set(["base64", "redacted_thinking"]);

/** Standard base64, padded or not, nothing else from start to end. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL_HEAD = /^data:[a-z]+\/[a-z0-9.+-]+(?:;[a-z0-9.+-]+=[^;,]*)*;base64,/i;

export function isBase64(value: string): boolean {
  return value.length % 4 !== 1 && BASE64.test(value) && (!value.endsWith("=") || value.length % 4 === 0);
}

export function isBase64DataUrl(value: string): boolean {
  if (!value.startsWith("data:")) return false;
  const head = DATA_URL_HEAD.exec(value.slice(0, 256));
  return head !== null && isBase64(value.slice(head[0].length));
}

/** What an object says about one of its keys, whatever the object's shape. */
interface Siblings {
  /** String values of every copy of `key` (non-strings count as present but never equal). */
  all(key: string): readonly (string | undefined)[];
}

function every(s: Siblings, key: string, ok: (v: string | undefined) => boolean): boolean {
  const values = s.all(key);
  return values.length > 0 && values.every(ok);
}

function isBinaryParent(s: Siblings): boolean {
  if (every(s, "type", (t) => t !== undefined && BINARY_TYPES.has(t))) return true;
  if (s.all("type").includes("text")) return false;
  return ["mimeType", "mime_type", "format", "media_type"].some((k) => s.all(k).length > 0);
}

/** True when `value` at `key` is media data that is skipped (see the rule above). */
function isMedia(
  value: string,
  key: string | undefined,
  s: Siblings,
  parentKey: string | undefined,
): boolean {
  if (key === "data") return isBinaryParent(s) && isBase64(value);
  if (key === "url") return parentKey === "image_url" && isBase64DataUrl(value);
  if (key === "image_url") return isBase64DataUrl(value);
  if (key === "file_data") return isBase64DataUrl(value) || isBase64(value);
  return false;
}

type Rule = "skip" | "walk" | "free";

/** How the child at `key` of an object (reached under `parentKey`) is walked. */
function ruleFor(key: string, s: Siblings, parentKey: string | undefined): Rule {
  if (STRUCTURAL.has(key)) return "skip";
  if (key === "input")
    return s.all("type").some((t) => t !== undefined && TOOL_USE_TYPES.has(t)) ? "free" : "walk";
  if (key === "args") return parentKey === "functionCall" || parentKey === "function_call" ? "free" : "walk";
  if (key === "response")
    return parentKey === "functionResponse" || parentKey === "function_response" ? "free" : "walk";
  return "walk";
}

// ---- raw-text trees ----

function treeSiblings(obj: ObjectNode): Siblings {
  return {
    all: (key) => {
      const out: (string | undefined)[] = [];
      for (const e of obj.entries)
        if (e.key === key) out.push(e.node.type === "string" ? e.node.value : undefined);
      return out;
    },
  };
}

/** Calls `fn` for every content string node of a raw-text tree, in text order. */
export function forEachContentString(
  root: JsonNode,
  fn: (node: StringNode, key: string | undefined) => void,
): void {
  visitNode(root, undefined, undefined, false, undefined, fn);
}

function visitNode(
  node: JsonNode,
  key: string | undefined,
  parentKey: string | undefined,
  free: boolean,
  siblings: Siblings | undefined,
  fn: (node: StringNode, key: string | undefined) => void,
): void {
  if (node.type === "string") {
    if (free || siblings === undefined || !isMedia(node.value, key, siblings, parentKey)) fn(node, key);
  } else if (node.type === "array") {
    for (const item of node.items) visitNode(item, undefined, key, free, undefined, fn);
  } else if (node.type === "object") {
    const s = treeSiblings(node);
    for (const e of node.entries) {
      if (e.node.type !== "string" && e.node.type !== "object" && e.node.type !== "array") continue;
      const rule = free ? "free" : ruleFor(e.key, s, key);
      if (rule !== "skip") visitNode(e.node, e.key, key, rule === "free", s, fn);
    }
  }
}

// ---- parsed values ----

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function valueSiblings(obj: { [key: string]: JsonValue }): Siblings {
  return {
    all: (key) => {
      if (!Object.hasOwn(obj, key)) return [];
      const v = obj[key];
      return [typeof v === "string" ? v : undefined];
    },
  };
}

/**
 * Maps every content string of `root` through `fn`. Copy on write: returns `root` itself (same
 * reference) when no string changed, so callers can tell "unchanged" without comparing.
 */
export function mapContentStrings(root: JsonValue, fn: StringMapper): JsonValue {
  return walk(root, undefined, undefined, false, undefined, fn);
}

function walk(
  value: JsonValue,
  key: string | undefined,
  parentKey: string | undefined,
  free: boolean,
  siblings: Siblings | undefined,
  fn: StringMapper,
): JsonValue {
  if (typeof value === "string") {
    return !free && siblings !== undefined && isMedia(value, key, siblings, parentKey)
      ? value
      : fn(value, key);
  }
  if (Array.isArray(value)) {
    let out: JsonValue[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i]!;
      const next = walk(item, undefined, key, free, undefined, fn);
      if (next !== item) {
        out ??= value.slice();
        out[i] = next;
      }
    }
    return out ?? value;
  }
  if (!isObject(value)) return value;
  const s = valueSiblings(value);
  let out: { [key: string]: JsonValue } | undefined;
  for (const k of Object.keys(value)) {
    const child = value[k]!;
    if (typeof child !== "string" && typeof child !== "object") continue;
    const rule = free ? "free" : ruleFor(k, s, key);
    if (rule === "skip") continue;
    const next = walk(child, k, key, rule === "free", s, fn);
    if (next !== child) {
      out ??= { ...value };
      out[k] = next;
    }
  }
  return out ?? value;
}
