// The blocks of one translated stream (streaming.ts): which block is open, which channels wait
// for one (text, thinking, each tool call), and the events that open, fill and close them.
// Promises: one block open at a time, numbered from 0 in the order they open; a tool call's block
// closes only once its arguments form a JSON object (repaired, or kept raw, at the very end); text
// that is only whitespace opens no block; nothing to show at the end becomes one placeholder
// text block. Pure state.
import type { MessagesStreamEvent, ResponseBlock } from "./anthropic-types.ts";
import type { ChatToolCallIn } from "./openai-types.ts";
import { type IdMaker, NO_CONTENT_TEXT } from "./response.ts";
import { StreamTools, type ToolCall } from "./stream-tools.ts";

type Open = { channel: string; index: number };

export class StreamBlocks {
  sawToolCalls = false;
  private nextIndex = 0;
  private sawContent = false;
  private open: Open | undefined;
  /** Channels with data waiting for a block: "text", "thinking" or "tool:<key>". */
  private queue: string[] = [];
  private buffers = new Map<string, string>();
  private readonly tools = new StreamTools();

  constructor(
    private readonly newId: IdMaker,
    /** Problems the client cannot be told about mid-stream. */
    private readonly warnings: string[],
    /** Translation drops found in the answer (tool arguments kept raw). */
    private readonly dropped: Set<string>,
  ) {}

  /** One tool-call fragment of a delta, filed under its call. */
  feedTool(call: ChatToolCallIn, position: number): void {
    const { key, closed, late } = this.tools.feed(call, position);
    if (late) this.warnings.push(late);
    if (!closed) this.enqueue(`tool:${key}`);
  }

  /** At the end, with nothing shown: the one placeholder block. */
  placeholder(out: MessagesStreamEvent[]): void {
    if (this.sawContent) return;
    this.warnings.push("the backend answered nothing to show; a placeholder text block stands in");
    const index = this.nextIndex++;
    out.push(
      { type: "content_block_start", index, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index, delta: { type: "text_delta", text: NO_CONTENT_TEXT } },
      { type: "content_block_stop", index },
    );
  }

  private enqueue(channel: string): void {
    if (this.open?.channel !== channel && !this.queue.includes(channel)) this.queue.push(channel);
  }

  /** Text or reasoning for its channel's block. */
  feedText(channel: "text" | "thinking", text: string): void {
    if (text === "") return;
    this.buffers.set(channel, (this.buffers.get(channel) ?? "") + text);
    this.enqueue(channel);
  }

  /** Sends what is buffered; switches blocks when the open one may end; with `all`, ends every block. */
  pump(out: MessagesStreamEvent[], all: boolean): void {
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
