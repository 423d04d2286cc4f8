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
import type { AnthropicErrorBody, MessagesStreamEvent, Usage } from "./anthropic-types.ts";
import { mapChatError } from "./errors.ts";
import type { ChatChunk, ChatUsage } from "./openai-types.ts";
import { contentText, type IdMaker, randomId, reasoningText, stopReasonFor, toUsage } from "./response.ts";
import { StreamBlocks } from "./stream-blocks.ts";
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

export class ChatToMessagesStream {
  /** Problems the client cannot be told about mid-stream (for logs and metrics). */
  readonly warnings: string[] = [];
  /** Translation drops found in the answer itself (tool arguments kept raw), by short name. */
  readonly dropped = new Set<string>();
  /** True once the usage sent is sluice's own count, the backend having reported none. */
  estimated = false;
  private started = false;
  private done = false;
  private readonly blocks: StreamBlocks;
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
    this.blocks = new StreamBlocks(this.newId, this.warnings, this.dropped);
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
        this.blocks.feedTool(call, position);
        this.count(typeof call.function?.arguments === "string" ? call.function.arguments : "");
      });
      this.blocks.pump(out, false);
    }
    if (typeof choice?.finish_reason === "string") {
      this.finishReason = choice.finish_reason;
      if (choice.stop_reason !== undefined && choice.stop_reason !== null) this.matched = choice.stop_reason;
      this.feedSegments(this.tags.end());
      this.blocks.pump(out, true);
    }
    return out;
  }

  /** The upstream stream ended (with or without finish_reason or [DONE]). */
  finish(): MessagesStreamEvent[] {
    if (this.done) return [];
    const out: MessagesStreamEvent[] = [];
    this.start(out);
    this.feedSegments(this.tags.end());
    this.blocks.pump(out, true);
    this.blocks.placeholder(out);
    const stop = stopReasonFor({
      finishReason: this.finishReason,
      matched: this.matched,
      stopSequences: this.opts.stopSequences,
      sawToolCalls: this.blocks.sawToolCalls,
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

  private feedSegments(segments: Segment[]): void {
    for (const s of segments) this.feedText(s.kind, s.text);
  }

  private feedText(channel: "text" | "thinking", text: string): void {
    this.count(text);
    this.blocks.feedText(channel, text);
  }
}
