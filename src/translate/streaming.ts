// Chat Completions stream chunks -> Anthropic Messages stream events: one state machine,
// `push(chunk) -> events`, `finish() -> events`, `error(status, body) -> events`.
// Promises: message_start once (then ping), blocks numbered from 0 in the order they open, one
// block open at a time (text, thinking and tool calls may arrive interleaved: a channel that
// cannot open yet is buffered), every tool_use's streamed input is a JSON object by its
// content_block_stop, then message_delta and message_stop; nothing after an error or the end.
// A leading `<think>` section of the content streams as a thinking block (think-tags.ts) as it
// arrives; once a reasoning field or a tool call has been seen, content is no longer read for tags.
import type { MessagesStreamEvent, ResponseBlock, Usage } from "./anthropic-types.ts";
import { mapChatError } from "./errors.ts";
import { isObjectJson, objectSuffix } from "./json-complete.ts";
import type { ChatChunk, ChatToolCallIn, ChatUsage } from "./openai-types.ts";
import { contentText, type IdMaker, randomId, reasoningText, stopReasonFor, toUsage } from "./response.ts";
import { type Segment, type ThinkTagMode, ThinkTagSplitter } from "./think-tags.ts";

export interface StreamOptions {
  /** Model name shown to the client (the one it asked for). */
  model: string;
  /** Input tokens to report in message_start, before the backend's usage arrives. */
  inputTokensHint?: number;
  /** Message id; generated when absent. */
  id?: string;
  /** The request's stop_sequences (see stopReasonFor). */
  stopSequences?: readonly string[];
  /** How a `<think>` section in the content is read (see think-tags.ts). Default "auto". */
  thinkTags?: ThinkTagMode;
  newId?: IdMaker;
}

interface ToolCall {
  id?: string;
  name: string;
  args: string;
  /** How much of `args` has been sent as input_json_delta. */
  sent: number;
  closed: boolean;
}

type Open = { channel: string; index: number };

export class ChatToMessagesStream {
  /** Problems the client cannot be told about mid-stream (for logs and metrics). */
  readonly warnings: string[] = [];
  private started = false;
  private done = false;
  private nextIndex = 0;
  private open: Open | undefined;
  /** Channels with data waiting for a block: "text", "thinking" or "tool:<key>". */
  private queue: string[] = [];
  private buffers = new Map<string, string>();
  private tools = new Map<string, ToolCall>();
  private keyByIndex = new Map<number, string>();
  private sawToolCalls = false;
  private finishReason: string | undefined;
  private matched: string | number | undefined;
  private lastUsage: ChatUsage | undefined;
  private readonly newId: IdMaker;
  private readonly tags: ThinkTagSplitter;

  constructor(private readonly opts: StreamOptions) {
    this.newId = opts.newId ?? randomId;
    this.tags = new ThinkTagSplitter(opts.thinkTags);
  }

  /** Usage in Anthropic's terms, as far as known. */
  get usage(): Usage {
    return toUsage(this.lastUsage, this.opts.inputTokensHint);
  }

  push(chunk: ChatChunk): MessagesStreamEvent[] {
    if (this.done) return [];
    if (chunk.error !== undefined && chunk.error !== null) {
      const code = chunk.error.code;
      return this.error(typeof code === "number" && code >= 400 && code <= 599 ? code : 500, chunk);
    }
    const out: MessagesStreamEvent[] = [];
    if (chunk.usage !== undefined && chunk.usage !== null) this.lastUsage = chunk.usage;
    this.start(out);
    const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
    const delta = choice?.delta;
    if (delta !== undefined && delta !== null) {
      const reasoning = reasoningText(delta);
      const calls = delta.tool_calls ?? [];
      // Content is read for tags only until a reasoning field (such a backend does not also tag
      // its content) or a tool call (what the splitter holds belongs before the call's block).
      if (reasoning !== "") this.feedSegments(this.tags.end());
      this.feedText("thinking", reasoning);
      this.feedSegments(this.tags.push(contentText(delta.content)));
      if (calls.length > 0) this.feedSegments(this.tags.end());
      this.feedText("text", typeof delta.refusal === "string" ? delta.refusal : "");
      calls.forEach((call, position) => {
        this.feedTool(call, position);
      });
      this.pump(out, false);
    }
    if (typeof choice?.finish_reason === "string") {
      this.finishReason = choice.finish_reason;
      if (choice.stop_reason !== undefined && choice.stop_reason !== null) this.matched = choice.stop_reason;
      this.feedSegments(this.tags.end());
      this.pump(out, true);
    }
    return out;
  }

  /** The upstream stream ended (with or without finish_reason or [DONE]). */
  finish(): MessagesStreamEvent[] {
    if (this.done) return [];
    const out: MessagesStreamEvent[] = [];
    this.start(out);
    this.feedSegments(this.tags.end());
    this.pump(out, true);
    const stop = stopReasonFor({
      finishReason: this.finishReason,
      matched: this.matched,
      stopSequences: this.opts.stopSequences,
      sawToolCalls: this.sawToolCalls,
    });
    out.push({ type: "message_delta", delta: stop, usage: this.usage });
    out.push({ type: "message_stop" });
    this.done = true;
    return out;
  }

  /** The upstream failed (an HTTP error before the stream, or an error inside it). */
  error(status: number, body: unknown): MessagesStreamEvent[] {
    if (this.done) return [];
    this.done = true;
    return [mapChatError(status, body).body];
  }

  private start(out: MessagesStreamEvent[]): void {
    if (this.started) return;
    this.started = true;
    const message = {
      id: this.opts.id ?? this.newId("msg_"),
      type: "message" as const,
      role: "assistant" as const,
      model: this.opts.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: this.usage,
    };
    out.push({ type: "message_start", message }, { type: "ping" });
  }

  private enqueue(channel: string): void {
    if (this.open?.channel !== channel && !this.queue.includes(channel)) this.queue.push(channel);
  }

  private feedText(channel: "text" | "thinking", text: string): void {
    if (text === "") return;
    this.buffers.set(channel, (this.buffers.get(channel) ?? "") + text);
    this.enqueue(channel);
  }

  private feedSegments(segments: Segment[]): void {
    for (const s of segments) this.feedText(s.kind, s.text);
  }

  private feedTool(call: ChatToolCallIn, position: number): void {
    const index = typeof call.index === "number" ? call.index : position;
    const id = typeof call.id === "string" && call.id !== "" ? call.id : undefined;
    let key = this.keyByIndex.get(index);
    let tool = key === undefined ? undefined : this.tools.get(key);
    // Some servers number every call 0 and tell them apart by id only.
    if (tool === undefined || (id !== undefined && tool.id !== undefined && tool.id !== id)) {
      key = `${index}.${this.tools.size}`;
      tool = { id, name: "", args: "", sent: 0, closed: false };
      this.tools.set(key, tool);
      this.keyByIndex.set(index, key);
    }
    tool.id ??= id;
    const name = call.function?.name;
    if (typeof name === "string" && tool.name === "") tool.name = name;
    const raw: unknown = call.function?.arguments;
    const args =
      typeof raw === "string" ? raw : typeof raw === "object" && raw !== null ? JSON.stringify(raw) : "";
    if (tool.closed) {
      if (args.trim() !== "")
        this.warnings.push(`tool call ${tool.id ?? key}: arguments after its end were ignored`);
      return;
    }
    tool.args += args;
    this.enqueue(`tool:${key}`);
  }

  /** Sends what is buffered; switches blocks when the open one may end; with `all`, ends every block. */
  private pump(out: MessagesStreamEvent[], all: boolean): void {
    for (;;) {
      if (this.open !== undefined) {
        this.flush(this.open, out);
        if (this.queue.length === 0 && !all) return;
        if (!all && !this.mayClose(this.open.channel)) return;
        this.close(this.open, out);
        this.open = undefined;
      }
      const next = this.queue.shift();
      if (next === undefined) return;
      if (!this.openBlock(next, out, all) && !all) {
        this.queue.unshift(next);
        return;
      }
    }
  }

  private toolOf(channel: string): ToolCall | undefined {
    return channel.startsWith("tool:") ? this.tools.get(channel.slice(5)) : undefined;
  }

  /** Text and thinking may always end; a tool call only once its arguments form a JSON object. */
  private mayClose(channel: string): boolean {
    const tool = this.toolOf(channel);
    return tool === undefined || isObjectJson(tool.args);
  }

  /** Starts the channel's block; a tool call still without a name waits (or, when `final`, is dropped). */
  private openBlock(channel: string, out: MessagesStreamEvent[], final: boolean): boolean {
    let block: ResponseBlock;
    const tool = this.toolOf(channel);
    if (tool === undefined) {
      block =
        channel === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" };
    } else {
      if (tool.name === "") {
        if (final) {
          this.warnings.push(`tool call ${tool.id ?? channel}: no function name, dropped`);
          tool.closed = true;
        }
        return false;
      }
      tool.id ??= this.newId("toolu_");
      this.sawToolCalls = true;
      block = { type: "tool_use", id: tool.id, name: tool.name, input: {} };
    }
    this.open = { channel, index: this.nextIndex++ };
    out.push({ type: "content_block_start", index: this.open.index, content_block: block });
    return true;
  }

  private flush(open: Open, out: MessagesStreamEvent[]): void {
    const { index, channel } = open;
    const tool = this.toolOf(channel);
    if (tool !== undefined) {
      if (tool.sent < tool.args.length) {
        const partial_json = tool.args.slice(tool.sent);
        tool.sent = tool.args.length;
        out.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } });
      }
      return;
    }
    const text = this.buffers.get(channel) ?? "";
    if (text === "") return;
    this.buffers.set(channel, "");
    const delta =
      channel === "text"
        ? { type: "text_delta" as const, text }
        : { type: "thinking_delta" as const, thinking: text };
    out.push({ type: "content_block_delta", index, delta });
  }

  private close(open: Open, out: MessagesStreamEvent[]): void {
    const tool = this.toolOf(open.channel);
    if (tool !== undefined) {
      tool.closed = true;
      const fix = this.repair(tool);
      if (fix !== "") {
        out.push({
          type: "content_block_delta",
          index: open.index,
          delta: { type: "input_json_delta", partial_json: fix },
        });
      }
    }
    out.push({ type: "content_block_stop", index: open.index });
  }

  /** What to append so the streamed arguments form a JSON object ("" when they already do). */
  private repair(tool: ToolCall): string {
    const suffix = objectSuffix(tool.args);
    if (suffix === undefined) this.warnings.push(`tool call ${tool.id}: arguments are not a JSON object`);
    return suffix ?? "";
  }
}
