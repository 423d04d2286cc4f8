// Owns the fake model's tool use: whether a request gets a tool call, which tool, and the
// argument object built from that tool's JSON schema. Promises: pure and deterministic.

import type { Conversation, ToolSpec } from "./types.ts";

const MAX_DEPTH = 8;

/**
 * The tool to call, or undefined for a text answer. A tool result in the last message always
 * gets text (so multi-turn flows end); otherwise a forcing tool_choice wins, then the phrases
 * "call <name>" / "use tool <name>" (the named tool) and "use tool" (the first tool).
 */
export function pickTool(conv: Conversation): ToolSpec | undefined {
  const { tools, toolChoice } = conv;
  if (conv.toolResult !== undefined || tools.length === 0 || toolChoice.kind === "none") return undefined;
  if (toolChoice.kind === "named") return tools.find((t) => t.name === toolChoice.name) ?? tools[0];
  if (toolChoice.kind === "any") return tools[0];
  const text = conv.lastUserText.toLowerCase();
  for (const tool of tools) {
    const name = tool.name.toLowerCase();
    if (text.includes(`call ${name}`) || text.includes(`use tool ${name}`)) return tool;
  }
  return text.includes("use tool") ? tools[0] : undefined;
}

/**
 * An argument object holding every required property of `schema`: strings "mock", numbers 1,
 * booleans true, arrays [], nested objects built the same way, enums their first value.
 */
export function argsFromSchema(schema: unknown, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isRecord(schema) || depth > MAX_DEPTH) return out;
  const props = isRecord(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  for (const name of required) {
    if (typeof name === "string") out[name] = valueFor(props[name], depth + 1);
  }
  return out;
}

function valueFor(schema: unknown, depth: number): unknown {
  if (!isRecord(schema)) return "mock";
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ("const" in schema) return schema.const;
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants) && variants.length > 0) return valueFor(variants[0], depth + 1);
  switch (typeName(schema.type)) {
    case "number":
    case "integer":
      return 1;
    case "boolean":
      return true;
    case "array":
      return [];
    case "object":
      return argsFromSchema(schema, depth);
    case "null":
      return null;
    default:
      return "mock";
  }
}

/** Lower-cased first non-null type name; Gemini writes "STRING", JSON schema may list several. */
function typeName(type: unknown): string {
  if (typeof type === "string") return type.toLowerCase();
  if (Array.isArray(type)) {
    const first = type.find((t) => typeof t === "string" && t.toLowerCase() !== "null");
    return typeof first === "string" ? first.toLowerCase() : "null";
  }
  return "string";
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
