// The tool calls of one streamed Chat answer, as the stream translator (streaming.ts) keeps them:
// which fragment belongs to which call (servers number calls by index, some every call 0 and tell
// them apart by id), each call's arguments as they may be sent so far, and how they ended.
// Pure state; no events of its own.
import type { ChatToolCallIn } from "./openai-types.ts";
import { type ArgsOutcome, ToolArgs } from "./tool-args.ts";

export interface ToolCall {
  id?: string;
  name: string;
  args: ToolArgs;
  /** Argument text ready to send as input_json_delta. */
  ready: string;
  closed: boolean;
}

export class StreamTools {
  private readonly calls = new Map<string, ToolCall>();
  private readonly keyByIndex = new Map<number, string>();

  get(key: string): ToolCall | undefined {
    return this.calls.get(key);
  }

  /** Files one delta's call fragment under its call's key; a call already ended takes nothing more. */
  feed(call: ChatToolCallIn, position: number): { key: string; closed: boolean; late?: string } {
    const index = typeof call.index === "number" ? call.index : position;
    const id = typeof call.id === "string" && call.id !== "" ? call.id : undefined;
    let key = this.keyByIndex.get(index);
    let tool = key === undefined ? undefined : this.calls.get(key);
    if (
      tool === undefined ||
      key === undefined ||
      (id !== undefined && tool.id !== undefined && tool.id !== id)
    ) {
      key = `${index}.${this.calls.size}`;
      tool = { id, name: "", args: new ToolArgs(), ready: "", closed: false };
      this.calls.set(key, tool);
      this.keyByIndex.set(index, key);
    }
    tool.id ??= id;
    const name = call.function?.name;
    if (typeof name === "string" && tool.name === "") tool.name = name;
    const raw: unknown = call.function?.arguments;
    const args =
      typeof raw === "string" ? raw : typeof raw === "object" && raw !== null ? JSON.stringify(raw) : "";
    if (tool.closed) {
      const late = `tool call ${tool.id ?? key}: arguments after its end were ignored`;
      return args.trim() === "" ? { key, closed: true } : { key, closed: true, late };
    }
    tool.ready += tool.args.push(args);
    return { key, closed: false };
  }

  /** Text to send now for a call, taken from its ready buffer. */
  take(tool: ToolCall): string {
    const out = tool.ready;
    tool.ready = "";
    return out;
  }

  /** Ends a call: the text that completes its input, and how its arguments turned out. */
  close(tool: ToolCall): { tail: string; outcome: ArgsOutcome } {
    tool.closed = true;
    const { tail, outcome } = tool.args.finish();
    return { tail: this.take(tool) + tail, outcome };
  }
}
