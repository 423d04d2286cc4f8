// Owns what the mock's Chat Completions endpoint refuses: every field a strict OpenAI server
// does not know, at the top level and inside messages, content parts, tools, tool calls,
// tool_choice, stream_options and response_format. So an Anthropic-only field that leaks
// through translation (cache_control, thinking, betas, top_k, ...) fails a test the way it
// fails against api.openai.com, instead of being silently ignored.
// Promises: pure; the field lists are those of the OpenAI API reference for
// POST /v1/chat/completions (checked against it by hand, issue 16), nothing more.

import { isRecord } from "./tools.ts";

/** A refusal as OpenAI words it: the message, and the dotted path of the offending field. */
export interface StrictProblem {
  message: string;
  param: string;
}

const TOP_LEVEL = new Set([
  "audio",
  "frequency_penalty",
  "function_call",
  "functions",
  "logit_bias",
  "logprobs",
  "max_completion_tokens",
  "max_tokens",
  "messages",
  "metadata",
  "modalities",
  "model",
  "n",
  "parallel_tool_calls",
  "prediction",
  "presence_penalty",
  "prompt_cache_key",
  "prompt_cache_retention",
  "reasoning_effort",
  "response_format",
  "safety_identifier",
  "seed",
  "service_tier",
  "stop",
  "store",
  "stream",
  "stream_options",
  "temperature",
  "tool_choice",
  "tools",
  "top_logprobs",
  "top_p",
  "user",
  "verbosity",
  "web_search_options",
]);

const MESSAGE_FIELDS: Record<string, ReadonlySet<string>> = {
  system: new Set(["role", "content", "name"]),
  developer: new Set(["role", "content", "name"]),
  user: new Set(["role", "content", "name"]),
  // annotations is a response field, but OpenAI's own examples send the answer's message back
  // as it came, and the API takes it.
  assistant: new Set([
    "role",
    "content",
    "name",
    "refusal",
    "audio",
    "tool_calls",
    "function_call",
    "annotations",
  ]),
  tool: new Set(["role", "content", "tool_call_id"]),
  function: new Set(["role", "content", "name"]),
};

const PART_FIELDS: Record<string, ReadonlySet<string>> = {
  text: new Set(["type", "text"]),
  image_url: new Set(["type", "image_url"]),
  input_audio: new Set(["type", "input_audio"]),
  file: new Set(["type", "file"]),
  refusal: new Set(["type", "refusal"]),
};

const TOOL_FIELDS: Record<string, ReadonlySet<string>> = {
  function: new Set(["type", "function"]),
  custom: new Set(["type", "custom"]),
};
const FUNCTION_DEFINITION = new Set(["name", "description", "parameters", "strict"]);
const TOOL_CALL = new Set(["id", "type", "function"]);
const TOOL_CALL_FUNCTION = new Set(["name", "arguments"]);
const STREAM_OPTIONS = new Set(["include_usage", "include_obfuscation"]);
const NAMED_CHOICE = new Set(["type", "function"]);
const RESPONSE_FORMAT = new Set(["type", "json_schema"]);
const JSON_SCHEMA_FORMAT = new Set(["name", "description", "schema", "strict"]);

/** The first field a strict OpenAI server would refuse in this body, or undefined. */
export function strictChatProblem(body: Record<string, unknown>): StrictProblem | undefined {
  for (const key of Object.keys(body)) {
    if (!TOP_LEVEL.has(key)) return { message: `Unrecognized request argument supplied: ${key}`, param: key };
  }
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (const [i, m] of messages.entries()) {
    const found = messageProblem(m, `messages[${i}]`);
    if (found) return found;
  }
  const tools = Array.isArray(body.tools) ? body.tools : [];
  for (const [i, t] of tools.entries()) {
    const found = toolProblem(t, `tools[${i}]`);
    if (found) return found;
  }
  return (
    fieldsProblem(body.stream_options, STREAM_OPTIONS, "stream_options") ??
    (isRecord(body.tool_choice) ? fieldsProblem(body.tool_choice, NAMED_CHOICE, "tool_choice") : undefined) ??
    responseFormatProblem(body.response_format)
  );
}

function messageProblem(m: unknown, at: string): StrictProblem | undefined {
  if (!isRecord(m)) return { message: `Invalid type for '${at}': expected an object.`, param: at };
  const allowed = typeof m.role === "string" ? MESSAGE_FIELDS[m.role] : undefined;
  if (!allowed) {
    return {
      message: `Invalid value: '${String(m.role)}'. Supported values are: ${Object.keys(MESSAGE_FIELDS).join(", ")}.`,
      param: `${at}.role`,
    };
  }
  const own = fieldsProblem(m, allowed, at);
  if (own) return own;
  if (Array.isArray(m.content)) {
    for (const [j, part] of m.content.entries()) {
      const found = partProblem(part, `${at}.content[${j}]`);
      if (found) return found;
    }
  }
  const calls = Array.isArray(m.tool_calls) ? m.tool_calls : [];
  for (const [j, call] of calls.entries()) {
    const where = `${at}.tool_calls[${j}]`;
    const found =
      fieldsProblem(call, TOOL_CALL, where) ??
      (isRecord(call) ? fieldsProblem(call.function, TOOL_CALL_FUNCTION, `${where}.function`) : undefined);
    if (found) return found;
  }
  return undefined;
}

function partProblem(part: unknown, at: string): StrictProblem | undefined {
  const allowed = isRecord(part) && typeof part.type === "string" ? PART_FIELDS[part.type] : undefined;
  if (!allowed) {
    const type = isRecord(part) ? String(part.type) : typeof part;
    return {
      message: `Invalid value: '${type}'. Supported content part types are: text, image_url, input_audio, file, refusal.`,
      param: `${at}.type`,
    };
  }
  return fieldsProblem(part, allowed, at);
}

function toolProblem(tool: unknown, at: string): StrictProblem | undefined {
  const allowed = isRecord(tool) && typeof tool.type === "string" ? TOOL_FIELDS[tool.type] : undefined;
  if (!allowed)
    return {
      message: `Invalid value for '${at}.type': expected 'function' or 'custom'.`,
      param: `${at}.type`,
    };
  const own = fieldsProblem(tool, allowed, at);
  if (own || !isRecord(tool) || tool.type !== "function") return own;
  return fieldsProblem(tool.function, FUNCTION_DEFINITION, `${at}.function`);
}

function responseFormatProblem(format: unknown): StrictProblem | undefined {
  if (!isRecord(format)) return undefined;
  return (
    fieldsProblem(format, RESPONSE_FORMAT, "response_format") ??
    fieldsProblem(format.json_schema, JSON_SCHEMA_FORMAT, "response_format.json_schema")
  );
}

/** An object with a field outside `allowed`; a missing value (undefined) is no problem. */
function fieldsProblem(value: unknown, allowed: ReadonlySet<string>, at: string): StrictProblem | undefined {
  if (value === undefined || !isRecord(value)) return undefined;
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) {
      return {
        message: `Additional properties are not allowed ('${key}' was unexpected) at '${at}'.`,
        param: `${at}.${key}`,
      };
    }
  }
  return undefined;
}
