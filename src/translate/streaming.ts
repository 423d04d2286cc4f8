// Chat Completions stream chunks -> Anthropic Messages stream events: one state machine,
// `begin() -> events`, `push(chunk) -> events`, `finish() -> events`, `fail(error) -> events`.
// Promises: message_start once (then ping), blocks numbered from 0 in the order they open, one
// block open at a time (text, thinking and tool calls may arrive interleaved: a channel that
// cannot open yet is buffered), every tool_use's streamed input is a JSON object by its
// content_block_stop (tool-args.ts repairs or keeps raw what is not), no text block holds only
// whitespace, an answer with nothing to show gets one placeholder text block (Anthropic refuses
// an empty assistant turn when the conversation is replayed), then message_delta and
// message_stop; nothing after an error or the end. Usage the backend did not report is counted
// with the tokenizer the caller passes, never left at 0.
// A leading `<think>` section of the content streams as a thinking block (think-tags.ts) as it
// arrives; once a reasoning field or a tool call has been seen, content is no longer read for tags.
import type { AnthropicErrorBody, MessagesStreamEvent, ResponseBlock, Usage } from "./anthropic-types.ts";
import { mapChatError } from "./errors.ts";
import type { ChatChunk, ChatUsage } from "./openai-types.ts";
import {
  contentText,
  type IdMaker,
  NO_CONTENT_TEXT,
  randomId,
  reasoningText,
  stopReasonFor,
  toUsage,
} from "./response.ts";
import { StreamTools, type ToolCall } from "./stream-tools.ts";
import { type Segment, type ThinkTagMode, ThinkTagSplitter } from "./think-tags.ts";

/** Most output characters kept to count tokens when the backend reports no usage. */
const COUNT_CHARS = 4 * 1024 * 1024;

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
  /** Counts output tokens when the stream ends without usage; absent: they stay 0. */
  countTokens?: (text: string) => number;
  newId?: IdMaker;
}

type Open = { channel: string; index: number };

export class ChatToMessagesStream {
  /** Problems the client cannot be told about mid-stream (for logs and metrics). */
  readonly warnings: string[] = [];
  /** Translation drops found in the answer itself (tool arguments kept raw), by short name. */
  readonly dropped = new Set<string>();
  /** True once the usage sent is sluice's own count, the backend having reported none. */
  estimated = false;
  private started = false;
  private done = false;
  private nextIndex = 0;
  private sawContent = false;
  private open: Open | undefined;
  /** Channels with data waiting for a block: "text", "thinking" or "tool:<key>". */
  private queue: string[] = [];
  private buffers = new Map<string, string>();
  private readonly tools = new StreamTools();
  private sawToolCalls = false;
  private finishReason: string | undefined;
  private matched: string | number | undefined;
  private lastUsage: ChatUsage | undefined;
  private produced: string[] = [];
  private producedChars = 0;
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

  /** message_start and a ping, at once (before the backend's first chunk); [] once sent. */
  begin(): MessagesStreamEvent[] {
    const out: MessagesStreamEvent[] = [];
    if (!this.done) this.start(out);
    return out;
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
        const { key, closed, late } = this.tools.feed(call, position);
        if (late) this.warnings.push(late);
        if (!closed) this.enqueue(`tool:${key}`);
        this.count(typeof call.function?.arguments === "string" ? call.function.arguments : "");
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
    if (!this.sawContent) {
      this.warnings.push("the backend answered nothing to show; a placeholder text block stands in");
      const index = this.nextIndex++;
      out.push(
        { type: "content_block_start", index, content_block: { type: "text", text: "" } },
        { type: "content_block_delta", index, delta: { type: "text_delta", text: NO_CONTENT_TEXT } },
        { type: "content_block_stop", index },
      );
    }
    const stop = stopReasonFor({
      finishReason: this.finishReason,
      matched: this.matched,
      stopSequences: this.opts.stopSequences,
      sawToolCalls: this.sawToolCalls,
    });
    out.push({ type: "message_delta", delta: stop, usage: this.finalUsage() });
    out.push({ type: "message_stop" });
    this.done = true;
    return out;
  }

  /** The upstream failed (an HTTP error before the stream, or an error inside it). */
  error(status: number, body: unknown): MessagesStreamEvent[] {
    return this.fail(mapChatError(status, body).body);
  }

  /** Ends the stream with this error event (nothing follows it). */
  fail(error: AnthropicErrorBody): MessagesStreamEvent[] {
    if (this.done) return [];
    this.done = true;
    return [error];
  }

  /** Output tokens of what was produced so far, by the caller's tokenizer. */
  countOutput(): number {
    const count = this.opts.countTokens;
    if (count === undefined) return 0;
    const kept = this.produced.join("");
    return count(kept) + Math.ceil(Math.max(0, this.producedChars - kept.length) / 4);
  }

  /** The backend's usage, or sluice's own count of the output when it sent none. */
  private finalUsage(): Usage {
    const usage = this.usage;
    if (this.lastUsage === undefined && this.opts.countTokens !== undefined) {
      usage.output_tokens = this.countOutput();
      this.estimated = true;
    }
    return usage;
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

  private count(text: string): void {
    if (text === "" || this.opts.countTokens === undefined) return;
    this.producedChars += text.length;
    if (this.producedChars <= COUNT_CHARS) this.produced.push(text);
  }

  private enqueue(channel: string): void {
    if (this.open?.channel !== channel && !this.queue.includes(channel)) this.queue.push(channel);
  }

  private feedText(channel: "text" | "thinking", text: string): void {
    if (text === "") return;
    this.count(text);
    this.buffers.set(channel, (this.buffers.get(channel) ?? "") + text);
    this.enqueue(channel);
  }

  private feedSegments(segments: Segment[]): void {
    for (const s of segments) this.feedText(s.kind, s.text);
  }

  /** Sends what is buffered; switches blocks when the open one may end; with `all`, ends every block. */
  private pump(out: MessagesStreamEvent[], all: boolean): void {
    const waiting: string[] = [];
    for (;;) {
      if (this.open !== undefined) {
        this.flush(this.open, out);
        if (this.queue.length === 0 && !all) break;
        if (!all && !this.mayClose(this.open.channel)) break;
        this.close(this.open, out);
        this.open = undefined;
      }
      const next = this.queue.shift();
      if (next === undefined) break;
      const opened = this.openBlock(next, out, all);
      if (opened === "wait") {
        this.queue.unshift(next);
        break;
      }
      // Whitespace-only text lets the others go first and waits for words (or the end).
      if (opened === "later") waiting.push(next);
    }
    this.queue.push(...waiting);
  }

  private toolOf(channel: string): ToolCall | undefined {
    return channel.startsWith("tool:") ? this.tools.get(channel.slice(5)) : undefined;
  }

  /** Text and thinking may always end; a tool call only once its arguments form a JSON object. */
  private mayClose(channel: string): boolean {
    const tool = this.toolOf(channel);
    return tool === undefined || tool.args.whole;
  }

  /**
   * Starts the channel's block. A tool call still without a name waits ("wait"; when `final` it
   * is dropped); text that is only whitespace so far is put back ("later"; when `final` dropped).
   */
  private openBlock(
    channel: string,
    out: MessagesStreamEvent[],
    final: boolean,
  ): "opened" | "wait" | "later" | "gone" {
    let block: ResponseBlock;
    const tool = this.toolOf(channel);
    if (tool === undefined) {
      if (channel === "text" && (this.buffers.get("text") ?? "").trim() === "") {
        if (!final) return "later";
        this.buffers.set("text", "");
        return "gone";
      }
      block =
        channel === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" };
    } else {
      if (tool.name === "") {
        if (!final) return "wait";
        this.warnings.push(`tool call ${tool.id ?? channel}: no function name, dropped`);
        tool.closed = true;
        return "gone";
      }
      tool.id ??= this.newId("toolu_");
      this.sawToolCalls = true;
      block = { type: "tool_use", id: tool.id, name: tool.name, input: {} };
    }
    if (channel !== "thinking") this.sawContent = true;
    this.open = { channel, index: this.nextIndex++ };
    out.push({ type: "content_block_start", index: this.open.index, content_block: block });
    return "opened";
  }

  private flush(open: Open, out: MessagesStreamEvent[]): void {
    const { index, channel } = open;
    const tool = this.toolOf(channel);
    if (tool !== undefined) {
      const partial_json = this.tools.take(tool);
      if (partial_json !== "")
        out.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } });
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
      const { tail, outcome } = this.tools.close(tool);
      if (outcome === "raw") {
        this.dropped.add("tool_arguments");
        this.warnings.push(`tool call ${tool.id}: arguments are not JSON; kept as _raw_arguments`);
      } else if (outcome === "repaired") this.warnings.push(`tool call ${tool.id}: arguments repaired`);
      const last = out[out.length - 1];
      // The closing brace is held to the end; it joins the delta just sent, when there is one.
      if (
        last?.type === "content_block_delta" &&
        last.index === open.index &&
        last.delta.type === "input_json_delta"
      )
        last.delta.partial_json += tail;
      else if (tail !== "") {
        out.push({
          type: "content_block_delta",
          index: open.index,
          delta: { type: "input_json_delta", partial_json: tail },
        });
      }
    }
    out.push({ type: "content_block_stop", index: open.index });
  }
}
