// Assembles what a model said (text, thinking, tool calls, or the error it answered with) from
// a decoded response of any API: Anthropic Messages, OpenAI Chat Completions and Responses,
// Gemini, streamed or whole. The format is recognised per event/body, so a translated route
// reads right whichever side it is shown. Pure, never throws, and holds at most `maxChars`
// characters of content; anything beyond is cut and the result says so.
import type { SseEvent } from "../sse/types.ts";
import {
  readAnthropicEvent,
  readAnthropicMessage,
  readChat,
  readGemini,
  readResponses,
} from "./output-read.ts";

/** A tool call in the OpenAI shape Langfuse renders. */
export interface OutputToolCall {
  id?: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type AssembledOutput =
  | {
      role: "assistant";
      content: string;
      thinking?: string;
      tool_calls?: OutputToolCall[];
      /** Content beyond the cap was left out. */
      truncated?: true;
    }
  | { error: unknown };

export interface OutputAssembler {
  event(ev: SseEvent): void;
  json(body: unknown): void;
  result(): AssembledOutput | undefined;
}

type Json = Record<string, unknown>;

/** Most characters of an error payload kept as an object; a larger one is kept as cut text. */
const MAX_ERROR_CHARS = 4096;

interface Tool {
  id?: string;
  name: string;
  args: string;
  /** Arguments given whole up front (Anthropic's input object); streamed ones replace them. */
  initial?: string;
}

/** The accumulator the per-API readers write into. */
export class OutputState {
  text = "";
  thinking = "";
  readonly tools = new Map<string, Tool>();
  error: unknown;
  truncated = false;
  private used = 0;

  constructor(private readonly maxChars: number) {}

  /** Takes what still fits under the cap from s. */
  private fit(s: string): string {
    const room = this.maxChars - this.used;
    if (s.length <= room) {
      this.used += s.length;
      return s;
    }
    this.truncated = true;
    this.used = this.maxChars;
    return room > 0 ? s.slice(0, room) : "";
  }

  addText(s: unknown): void {
    if (typeof s === "string" && s !== "") this.text += this.fit(s);
  }

  addThinking(s: unknown): void {
    if (typeof s === "string" && s !== "") this.thinking += this.fit(s);
  }

  /** Opens (or names) the tool call under key. */
  tool(key: string, id: unknown, name: unknown, initial?: string): void {
    let t = this.tools.get(key);
    if (!t) {
      t = { name: "", args: "" };
      this.tools.set(key, t);
    }
    if (typeof id === "string" && id !== "") t.id = id;
    if (typeof name === "string" && name !== "") t.name = name;
    if (initial !== undefined && initial !== "{}") t.initial = this.fit(initial);
  }

  toolArgs(key: string, s: unknown): void {
    if (typeof s !== "string" || s === "") return;
    if (!this.tools.has(key)) this.tool(key, undefined, undefined);
    this.tools.get(key)!.args += this.fit(s);
  }

  setError(e: unknown): void {
    let text: string | undefined;
    try {
      text = JSON.stringify(e);
    } catch {
      text = undefined;
    }
    if (text === undefined) return;
    this.error = text.length <= MAX_ERROR_CHARS ? e : text.slice(0, MAX_ERROR_CHARS);
  }

  /** Forgets everything (a complete response object replaces what its deltas built). */
  reset(): void {
    this.text = "";
    this.thinking = "";
    this.tools.clear();
    this.truncated = false;
    this.used = 0;
  }

  result(): AssembledOutput | undefined {
    const calls: OutputToolCall[] = [...this.tools.values()].map((t) => ({
      ...(t.id ? { id: t.id } : {}),
      type: "function",
      function: { name: t.name, arguments: t.args || t.initial || "{}" },
    }));
    if (this.text === "" && this.thinking === "" && calls.length === 0) {
      return this.error === undefined ? undefined : { error: this.error };
    }
    return {
      role: "assistant",
      content: this.text,
      ...(this.thinking ? { thinking: this.thinking } : {}),
      ...(calls.length > 0 ? { tool_calls: calls } : {}),
      ...(this.truncated ? { truncated: true as const } : {}),
    };
  }
}

const obj = (v: unknown): Json | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;

/** One streamed object, whichever API it comes from. */
function readChunk(state: OutputState, o: Json): void {
  const type = o.type;
  if (typeof type === "string") {
    if (type === "error") state.setError(o.error ?? o);
    else if (type.startsWith("response.")) readResponses(state, o);
    else readAnthropicEvent(state, o);
  } else if (Array.isArray(o.choices)) readChat(state, o);
  else if (Array.isArray(o.candidates)) readGemini(state, o);
  else if (o.error !== undefined) state.setError(o.error);
}

/** One whole response body, whichever API it comes from. */
function readWhole(state: OutputState, o: Json): void {
  if (o.type === "message" && Array.isArray(o.content)) readAnthropicMessage(state, o);
  else if (o.object === "response" && Array.isArray(o.output)) readResponses(state, { response: o });
  else if (o.type === "error") state.setError(o.error ?? o);
  else readChunk(state, o);
}

export function createOutputAssembler(maxChars: number): OutputAssembler {
  const state = new OutputState(Math.max(0, maxChars));
  return {
    event(ev) {
      if (ev.data === "" || ev.data === "[DONE]") return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(ev.data);
      } catch {
        return;
      }
      const o = obj(parsed);
      if (!o) return;
      if (ev.event === "error" && o.type === undefined) state.setError(o.error ?? o);
      else readChunk(state, o);
    },
    json(body) {
      if (Array.isArray(body)) {
        // Gemini's streamGenerateContent without alt=sse: one JSON array of chunks.
        for (const item of body) {
          const o = obj(item);
          if (o) readChunk(state, o);
        }
        return;
      }
      const o = obj(body);
      if (o) readWhole(state, o);
    },
    result: () => state.result(),
  };
}
