// Prompt and answer as the GenAI conventions record them (opt-in, SLUICE_OTEL_CAPTURE_CONTENT):
// gen_ai.system_instructions, gen_ai.input.messages and gen_ai.output.messages in the shape of
// the conventions' JSON schemas ({role, parts: [{type: "text", content} ...]}), read from the
// forwarded (scrubbed) body of any API: Anthropic Messages, OpenAI Chat and Responses, Gemini.
// Pure and defensive: unknown shapes become generic parts, never errors. Base64 media is left
// out (its size is noted); text over the byte budget drops the oldest messages first.
import type { AssembledOutput } from "./output.ts";

type Json = Record<string, unknown>;
export type Part = Record<string, unknown> & { type: string };
export interface Message {
  role: string;
  parts: Part[];
  finish_reason?: string;
}

export interface InputContent {
  system?: Part[];
  messages: Message[];
}

const obj = (v: unknown): Json | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const text = (content: string): Part => ({ type: "text", content });

/** Media bytes never go on a span: the part says what was there and how big it was. */
const blob = (modality: string, mime: unknown, data: unknown): Part => ({
  type: "blob",
  modality,
  ...(typeof mime === "string" ? { mime_type: mime } : {}),
  content: `[sluice: ${typeof data === "string" ? data.length : 0} characters of base64 left out]`,
});

function parsedArgs(v: unknown): unknown {
  if (typeof v !== "string") return v ?? {};
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** Text of a tool result, whichever way the API spells it. */
function resultText(v: unknown): unknown {
  if (typeof v === "string") return v;
  const parts = list(v);
  if (parts.length === 0) return v ?? "";
  return parts.map((p) => str(obj(p)?.text) ?? "").join("");
}

function mediaUri(modality: string, url: string, mime?: unknown): Part {
  if (url.startsWith("data:")) return blob(modality, url.slice(5, url.indexOf(";")), url);
  return { type: "uri", modality, uri: url, ...(typeof mime === "string" ? { mime_type: mime } : {}) };
}

// --- Anthropic Messages and OpenAI Chat / Responses: one reader for both kinds of parts ------

function part(b: Json): Part | undefined {
  switch (b.type) {
    case "text":
    case "input_text":
    case "output_text":
      return text(str(b.text) ?? "");
    case "refusal":
      return text(str(b.refusal) ?? "");
    case "thinking":
      return { type: "reasoning", content: str(b.thinking) ?? "" };
    case "redacted_thinking":
      return undefined;
    case "tool_use":
    case "server_tool_use":
      return { type: "tool_call", id: b.id, name: str(b.name) ?? "", arguments: b.input ?? {} };
    case "tool_result":
      return { type: "tool_call_response", id: b.tool_use_id, response: resultText(b.content) };
    case "image":
    case "document": {
      const src = obj(b.source);
      const modality = b.type === "image" ? "image" : "document";
      if (src?.type === "url" && typeof src.url === "string") return mediaUri(modality, src.url);
      if (src?.type === "text") return text(str(src.data) ?? "");
      return blob(modality, src?.media_type, src?.data);
    }
    case "image_url":
      return mediaUri("image", str(obj(b.image_url)?.url) ?? "");
    case "input_image":
      return mediaUri("image", str(b.image_url) ?? "");
    case "input_audio":
      return blob("audio", obj(b.input_audio)?.format, obj(b.input_audio)?.data);
    default:
      return { type: typeof b.type === "string" ? b.type : "unknown" };
  }
}

function parts(content: unknown): Part[] {
  if (typeof content === "string") return [text(content)];
  return list(content).flatMap((b) => {
    const p = obj(b) ? part(obj(b)!) : undefined;
    return p ? [p] : [];
  });
}

function toolCall(id: unknown, name: unknown, args: unknown): Part {
  return { type: "tool_call", id, name: str(name) ?? "", arguments: parsedArgs(args) };
}

/** An Anthropic or Chat message: Chat's tool calls and tool results live outside `content`. */
function message(m: Json): Message {
  const role = str(m.role) ?? "user";
  if (role === "tool")
    return {
      role,
      parts: [{ type: "tool_call_response", id: m.tool_call_id, response: resultText(m.content) }],
    };
  const out = parts(m.content);
  for (const tc of list(m.tool_calls)) {
    const fn = obj(obj(tc)?.function);
    out.push(toolCall(obj(tc)?.id, fn?.name, fn?.arguments));
  }
  return { role, parts: out };
}

function responsesItem(it: Json): Message | undefined {
  if (it.type === "function_call")
    return { role: "assistant", parts: [toolCall(it.call_id, it.name, it.arguments)] };
  if (it.type === "function_call_output")
    return {
      role: "tool",
      parts: [{ type: "tool_call_response", id: it.call_id, response: it.output ?? "" }],
    };
  if (it.type === "message" || it.role !== undefined) return message(it);
  return undefined;
}

// --- Gemini ---------------------------------------------------------------------------------

function geminiParts(parts: unknown): Part[] {
  return list(parts).flatMap((p): Part[] => {
    const part = obj(p);
    if (!part) return [];
    if (typeof part.text === "string")
      return [part.thought === true ? { type: "reasoning", content: part.text } : text(part.text)];
    const call = obj(part.functionCall);
    if (call) return [toolCall(call.id, call.name, call.args)];
    const res = obj(part.functionResponse);
    if (res) return [{ type: "tool_call_response", id: res.id ?? res.name, response: res.response ?? {} }];
    const inline = obj(part.inlineData);
    if (inline) return [blob(str(inline.mimeType)?.split("/")[0] ?? "image", inline.mimeType, inline.data)];
    const file = obj(part.fileData);
    if (file)
      return [mediaUri(str(file.mimeType)?.split("/")[0] ?? "image", str(file.fileUri) ?? "", file.mimeType)];
    return [{ type: "unknown" }];
  });
}

/** The conversation a request sends, for any of the APIs sluice proxies. */
export function inputContent(body: unknown): InputContent | undefined {
  const b = obj(body);
  if (!b) return undefined;
  if (Array.isArray(b.contents) || obj(b.systemInstruction)) {
    const system = geminiParts(obj(b.systemInstruction)?.parts);
    const messages = list(b.contents).flatMap((c) => {
      const m = obj(c);
      return m
        ? [{ role: m.role === "model" ? "assistant" : (str(m.role) ?? "user"), parts: geminiParts(m.parts) }]
        : [];
    });
    return { ...(system.length > 0 ? { system } : {}), messages };
  }
  if (b.input !== undefined && b.messages === undefined) {
    // OpenAI Responses: instructions are separate, input is a string or a list of items.
    const system = typeof b.instructions === "string" ? [text(b.instructions)] : undefined;
    const messages =
      typeof b.input === "string"
        ? [{ role: "user", parts: [text(b.input)] }]
        : list(b.input).flatMap((i) => {
            const m = obj(i) ? responsesItem(obj(i)!) : undefined;
            return m ? [m] : [];
          });
    return { ...(system ? { system } : {}), messages };
  }
  if (!Array.isArray(b.messages)) return undefined;
  // Anthropic's system prompt sits beside the messages; Chat's is one of them.
  const system = b.system === undefined ? undefined : parts(b.system);
  const messages = b.messages.flatMap((m) => (obj(m) ? [message(obj(m)!)] : []));
  return { ...(system && system.length > 0 ? { system } : {}), messages };
}

/** The answer, as one output message with its finish reason. */
export function outputMessages(out: AssembledOutput | undefined, finishReason: string): Message[] {
  if (out === undefined || "error" in out) return [];
  const said: Part[] = [];
  if (out.thinking) said.push({ type: "reasoning", content: out.thinking });
  if (out.content !== "") said.push(text(out.content));
  for (const tc of out.tool_calls ?? []) said.push(toolCall(tc.id, tc.function.name, tc.function.arguments));
  return [{ role: "assistant", parts: said, finish_reason: finishReason }];
}

/** At most `max` bytes of UTF-8 from the start of s (a character split at the end is dropped). */
function head(s: string, max: number): string {
  const bytes = Buffer.from(s);
  return bytes.byteLength <= max
    ? s
    : bytes
        .subarray(0, max)
        .toString()
        .replace(/\uFFFD$/, "");
}

/**
 * JSON text of the messages within `budget` bytes: the newest messages are kept, the oldest
 * dropped first. When even the last one is too big, its text is cut (with a note) until the
 * JSON fits, so the attribute always parses. Says whether anything was left out.
 */
export function fitMessages(messages: Message[], budget: number): { json: string; cut: boolean } {
  const texts = messages.map((m) => JSON.stringify(m));
  let used = 2;
  let from = texts.length;
  while (from > 0 && used + Buffer.byteLength(texts[from - 1]!) + 1 <= budget)
    used += Buffer.byteLength(texts[--from]!) + 1;
  if (from < texts.length || texts.length === 0)
    return { json: `[${texts.slice(from).join(",")}]`, cut: from > 0 };
  const last = messages.at(-1)!;
  const whole = last.parts
    .map((p) => (typeof p.content === "string" ? p.content : JSON.stringify(p)))
    .join("\n");
  const total = Buffer.byteLength(whole);
  let room = Math.max(0, budget - 128);
  for (;;) {
    const kept = head(whole, room);
    const note = `[sluice: cut, ${Buffer.byteLength(kept)} of ${total} bytes kept]`;
    const one: Message = {
      role: last.role,
      parts: [text(kept + note)],
      ...(last.finish_reason ? { finish_reason: last.finish_reason } : {}),
    };
    const json = JSON.stringify([one]);
    const size = Buffer.byteLength(json);
    // JSON escaping may grow the text: shrink in proportion until it fits.
    if (size <= budget || room === 0) return { json, cut: true };
    room = Math.max(0, Math.floor((room * budget) / size) - 16);
  }
}
