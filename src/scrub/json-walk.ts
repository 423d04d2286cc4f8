// Owns which JSON string values of a provider request or response are content (scanned by the
// scrubber, restored by restore) and which are structure. Scrub and restore share this one rule so
// a real value is only ever put back where the next request would scrub it again.
//
// The rule, for a string value reached under `key` in object `parent`:
// - object keys are never touched, only values;
// - STRUCTURAL keys are skipped with their whole subtree: identifiers, enums, tool names and
//   schemas, signed or encrypted blobs (thinking, signature, encrypted_content), and credentials
//   meant for the provider itself (authorization_token of MCP servers);
// - `data` is skipped when it is binary: its parent is a base64 source (type "base64", or a
//   media/mime type that is not a plain-text document), redacted thinking, or audio with a format;
// - a string that is a base64 data: URL is skipped wherever it is;
// - tool inputs written by the model (Anthropic tool_use `input`, Gemini functionCall `args`) and
//   tool outputs sent to Gemini (functionResponse `response`) are free-form: every string inside is
//   content, whatever its key.

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

const TOOL_USE_TYPES = new Set(["tool_use", "server_tool_use", "mcp_tool_use"]);

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isBinaryData(parent: { [key: string]: JsonValue }): boolean {
  const type = parent.type;
  if (type === "base64" || type === "redacted_thinking") return true;
  if (parent.mimeType !== undefined || parent.mime_type !== undefined || parent.format !== undefined)
    return true;
  return parent.media_type !== undefined && type !== "text";
}

function isDataUrl(value: string): boolean {
  return value.startsWith("data:") && value.slice(0, 200).includes(";base64,");
}

function isFreeForm(
  key: string,
  parent: { [key: string]: JsonValue },
  parentKey: string | undefined,
): boolean {
  if (key === "input") return typeof parent.type === "string" && TOOL_USE_TYPES.has(parent.type);
  if (key === "args") return parentKey === "functionCall" || parentKey === "function_call";
  if (key === "response") return parentKey === "functionResponse" || parentKey === "function_response";
  return false;
}

/**
 * Maps every content string of `root` through `fn`. Copy on write: returns `root` itself (same
 * reference) when no string changed, so callers can tell "unchanged" without comparing.
 */
export function mapContentStrings(root: JsonValue, fn: StringMapper): JsonValue {
  return walk(root, undefined, undefined, false, fn);
}

function walk(
  value: JsonValue,
  key: string | undefined,
  _parentKey: string | undefined,
  free: boolean,
  fn: StringMapper,
): JsonValue {
  if (typeof value === "string") return isDataUrl(value) ? value : fn(value, key);
  if (Array.isArray(value)) {
    let out: JsonValue[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i]!;
      const next = walk(item, undefined, key, free, fn);
      if (next !== item) {
        out ??= value.slice();
        out[i] = next;
      }
    }
    return out ?? value;
  }
  if (!isObject(value)) return value;
  let out: { [key: string]: JsonValue } | undefined;
  for (const k of Object.keys(value)) {
    const child = value[k]!;
    if (typeof child !== "string" && typeof child !== "object") continue;
    let childFree = free;
    if (!free) {
      if (STRUCTURAL.has(k)) continue;
      if (k === "data" && isBinaryData(value)) continue;
      childFree = isFreeForm(k, value, key);
    }
    const next = walk(child, k, key, childFree, fn);
    if (next !== child) {
      out ??= { ...value };
      out[k] = next;
    }
  }
  return out ?? value;
}
