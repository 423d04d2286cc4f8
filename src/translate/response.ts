// Chat Completions response -> Anthropic Messages response (pure), plus the pieces the stream
// translator shares: stop reasons, usage, tool input parsing and message ids.
// Promises: every tool_use input is a JSON object (repaired, or the raw text kept under
// _raw_arguments); usage follows Anthropic's meaning (input_tokens excludes cache reads and
// writes; a backend's input_tokens/output_tokens are read like prompt/completion tokens);
// reasoning becomes a thinking block, whether the backend sends it in its own field or as a
// leading `<think>` section of the content (never both: with a reasoning field the content is
// taken as it is); no text block is only whitespace, and an answer with nothing to show gets one
// placeholder text block, since Anthropic refuses an empty assistant turn on replay.
import type { MessagesResponse, ResponseBlock, StopReason, Usage } from "./anthropic-types.ts";
import type { ChatMessageIn, ChatResponse, ChatUsage } from "./openai-types.ts";
import { splitThinkTags, type ThinkTagMode } from "./think-tags.ts";
import { repairArguments } from "./tool-args.ts";

export type IdMaker = (prefix: "msg_" | "toolu_") => string;

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A random id in Anthropic's style (`msg_…`, `toolu_…`). */
export const randomId: IdMaker = (prefix) => {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  let out = prefix;
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
};

export interface FromChatOptions {
  /** The model the client asked for; echoed back so clients see their own name. */
  requestModel: string;
  /** The request's stop_sequences, to recognise one that a backend names (vLLM's stop_reason). */
  stopSequences?: readonly string[];
  /** How a `<think>` section in the content is read (see think-tags.ts). Default "auto". */
  thinkTags?: ThinkTagMode;
  newId?: IdMaker;
  /** Told of what the answer held that the client cannot get as it was (tool_arguments). */
  onDrop?: (what: string) => void;
}

/** The text of the one block an answer with nothing convertible in it gets. */
export const NO_CONTENT_TEXT = "(no content)";

const count = (n: number | null | undefined): number => (typeof n === "number" && Number.isFinite(n) ? n : 0);

/** OpenAI usage in Anthropic's terms; `inputHint` stands in when the backend sent none. */
export function toUsage(usage: ChatUsage | null | undefined, inputHint = 0): Usage {
  if (usage === null || usage === undefined) {
    return {
      input_tokens: inputHint,
      output_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    };
  }
  const details = usage.prompt_tokens_details;
  const read = count(details?.cached_tokens ?? usage.prompt_cache_hit_tokens);
  const written = count(details?.cache_write_tokens);
  // Some compatible servers name them the Responses / Anthropic way.
  const prompt = usage.prompt_tokens ?? usage.input_tokens;
  const completion = usage.completion_tokens ?? usage.output_tokens;
  return {
    input_tokens: Math.max(0, count(prompt) - read - written),
    output_tokens: count(completion),
    cache_creation_input_tokens: written,
    cache_read_input_tokens: read,
  };
}

export interface StopFacts {
  finishReason: string | null | undefined;
  /** vLLM names the stop string in `stop_reason`. */
  matched?: string | number | null;
  stopSequences?: readonly string[];
  sawToolCalls: boolean;
}

/** OpenAI finish_reason -> Anthropic stop_reason and stop_sequence. */
export function stopReasonFor(f: StopFacts): { stop_reason: StopReason; stop_sequence: string | null } {
  const reason = f.finishReason;
  if (reason === "length") return { stop_reason: "max_tokens", stop_sequence: null };
  if (reason === "content_filter") return { stop_reason: "refusal", stop_sequence: null };
  // Several servers (Ollama among them) end a tool-calling turn with "stop" or nothing at all.
  if (reason === "tool_calls" || reason === "function_call" || f.sawToolCalls) {
    return { stop_reason: "tool_use", stop_sequence: null };
  }
  if (reason === "stop" && typeof f.matched === "string" && f.stopSequences?.includes(f.matched)) {
    return { stop_reason: "stop_sequence", stop_sequence: f.matched };
  }
  return { stop_reason: "end_turn", stop_sequence: null };
}

/** Tool arguments as an object: blank -> {}, repaired when repairable, else the raw text kept. */
export function parseToolInput(args: unknown): { input: Record<string, unknown>; outcome: string } {
  const { json, outcome } = repairArguments(args);
  return { input: JSON.parse(json) as Record<string, unknown>, outcome };
}

/** Text of a message or delta `content` (a string, or parts with text). */
export function contentText(content: ChatMessageIn["content"]): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((p) => (typeof p?.text === "string" ? p.text : "")).join("");
}

/** Reasoning text, whichever field the backend uses (`reasoning_content` or `reasoning`). */
export function reasoningText(m: ChatMessageIn): string {
  if (typeof m.reasoning_content === "string" && m.reasoning_content !== "") return m.reasoning_content;
  return typeof m.reasoning === "string" ? m.reasoning : "";
}

export function fromChatResponse(res: ChatResponse, opts: FromChatOptions): MessagesResponse {
  const newId = opts.newId ?? randomId;
  const id = newId("msg_");
  const choice = res.choices?.find((c) => (c.index ?? 0) === 0) ?? res.choices?.[0];
  const message = choice?.message ?? {};
  const content: ResponseBlock[] = [];
  const reasoning = reasoningText(message);
  const { thinking, text } =
    reasoning !== ""
      ? { thinking: reasoning, text: contentText(message.content) }
      : splitThinkTags(contentText(message.content), opts.thinkTags);
  if (thinking !== "") content.push({ type: "thinking", thinking, signature: "" });
  if (text.trim() !== "") content.push({ type: "text", text });
  const refusal = typeof message.refusal === "string" ? message.refusal : "";
  if (refusal.trim() !== "") content.push({ type: "text", text: refusal });
  for (const call of message.tool_calls ?? []) {
    const name = call.function?.name;
    if (typeof name !== "string" || name === "") continue;
    const id = typeof call.id === "string" && call.id !== "" ? call.id : newId("toolu_");
    const { input, outcome } = parseToolInput(call.function?.arguments);
    if (outcome === "raw") opts.onDrop?.("tool_arguments");
    content.push({ type: "tool_use", id, name, input });
  }
  if (!content.some((b) => b.type === "text" || b.type === "tool_use"))
    content.push({ type: "text", text: NO_CONTENT_TEXT });
  const stop = stopReasonFor({
    finishReason:
      refusal !== "" && choice?.finish_reason === "stop" ? "content_filter" : choice?.finish_reason,
    matched: choice?.stop_reason,
    stopSequences: opts.stopSequences,
    sawToolCalls: content.some((b) => b.type === "tool_use"),
  });
  return {
    id,
    type: "message",
    role: "assistant",
    model: opts.requestModel,
    content,
    ...stop,
    usage: toUsage(res.usage),
  };
}
