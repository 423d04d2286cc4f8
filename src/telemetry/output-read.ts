// The per-API readers behind the output assembler: each folds one provider object (a streamed
// event or a whole body) into an OutputState. Pure and defensive: unknown shapes are skipped,
// never thrown on. Only the first choice / candidate is read (n > 1 is rare and not traced).
import type { OutputState } from "./output.ts";

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function stringify(v: unknown): string | undefined {
  try {
    return v === undefined ? undefined : JSON.stringify(v);
  } catch {
    return undefined;
  }
}

/** The first choice or candidate (index 0, or the first one listed without an index). */
function first(items: unknown[]): Json | undefined {
  for (const item of items) {
    const o = obj(item);
    if (o && (o.index === undefined || o.index === 0)) return o;
  }
  return undefined;
}

// --- Anthropic Messages ---------------------------------------------------------------------

const ANTHROPIC_TOOL_BLOCKS = new Set(["tool_use", "server_tool_use", "mcp_tool_use"]);

function anthropicBlock(s: OutputState, key: string, b: Json): void {
  if (b.type === "text") s.addText(b.text);
  else if (b.type === "thinking") s.addThinking(b.thinking);
  else if (typeof b.type === "string" && ANTHROPIC_TOOL_BLOCKS.has(b.type)) {
    s.tool(key, b.id, b.name, stringify(b.input));
  }
}

export function readAnthropicEvent(s: OutputState, o: Json): void {
  const key = `a${String(o.index ?? 0)}`;
  if (o.type === "content_block_start") {
    const b = obj(o.content_block);
    if (b) anthropicBlock(s, key, b);
  } else if (o.type === "content_block_delta") {
    const d = obj(o.delta);
    if (!d) return;
    if (d.type === "text_delta") s.addText(d.text);
    else if (d.type === "thinking_delta") s.addThinking(d.thinking);
    else if (d.type === "input_json_delta") s.toolArgs(key, d.partial_json);
  }
}

export function readAnthropicMessage(s: OutputState, o: Json): void {
  list(o.content).forEach((b, i) => {
    const block = obj(b);
    if (block) anthropicBlock(s, `a${i}`, block);
  });
}

// --- OpenAI Chat Completions ------------------------------------------------------------------

/** A chunk's delta or a completion's message. */
export function readChat(s: OutputState, o: Json): void {
  const choice = first(list(o.choices));
  const m = obj(choice?.delta) ?? obj(choice?.message);
  if (!m) return;
  if (typeof m.content === "string") s.addText(m.content);
  else for (const part of list(m.content)) s.addText(obj(part)?.text);
  s.addText(m.refusal);
  // DeepSeek, vLLM and OpenRouter spell the reasoning channel differently.
  s.addThinking(m.reasoning_content);
  s.addThinking(m.reasoning);
  list(m.tool_calls).forEach((tc, i) => {
    const call = obj(tc);
    if (!call) return;
    const key = `c${typeof call.index === "number" ? call.index : i}`;
    const fn = obj(call.function);
    s.tool(key, call.id, fn?.name);
    s.toolArgs(key, fn?.arguments);
  });
}

// --- OpenAI Responses ---------------------------------------------------------------------------

function responsesOutput(s: OutputState, items: unknown[]): void {
  items.forEach((it, i) => {
    const item = obj(it);
    if (!item) return;
    if (item.type === "message") {
      for (const p of list(item.content)) {
        const part = obj(p);
        s.addText(part?.type === "refusal" ? part.refusal : part?.text);
      }
    } else if (item.type === "reasoning") {
      for (const p of [...list(item.summary), ...list(item.content)]) s.addThinking(obj(p)?.text);
    } else if (item.type === "function_call") {
      const key = `r${String(item.id ?? i)}`;
      s.tool(key, item.call_id ?? item.id, item.name);
      s.toolArgs(key, item.arguments);
    }
  });
}

/** A typed stream event, or `{response}` for a whole response object. */
export function readResponses(s: OutputState, o: Json): void {
  switch (o.type) {
    case "response.output_text.delta":
    case "response.refusal.delta":
      s.addText(o.delta);
      return;
    case "response.reasoning_summary_text.delta":
    case "response.reasoning_text.delta":
      s.addThinking(o.delta);
      return;
    case "response.output_item.added": {
      const item = obj(o.item);
      if (item?.type === "function_call") {
        const key = `r${String(item.id ?? o.output_index)}`;
        s.tool(key, item.call_id ?? item.id, item.name);
        s.toolArgs(key, item.arguments);
      }
      return;
    }
    case "response.function_call_arguments.delta":
      s.toolArgs(`r${String(o.item_id)}`, o.delta);
      return;
  }
  // response.completed / .incomplete / .failed (or a whole body) carry the full output:
  // it replaces what the deltas built.
  const r = obj(o.response);
  if (!r) return;
  const output = list(r.output);
  if (output.length > 0) {
    s.reset();
    responsesOutput(s, output);
  }
  if (r.error !== undefined && r.error !== null) s.setError(r.error);
}

// --- Gemini -------------------------------------------------------------------------------------

export function readGemini(s: OutputState, o: Json): void {
  const candidate = first(list(o.candidates));
  for (const p of list(obj(candidate?.content)?.parts)) {
    const part = obj(p);
    if (!part) continue;
    if (part.thought === true) s.addThinking(part.text);
    else s.addText(part.text);
    const call = obj(part.functionCall);
    if (call) {
      // Gemini sends each call whole, one per part: every one is a new tool call.
      const key = `g${s.tools.size}`;
      s.tool(key, call.id, call.name);
      s.toolArgs(key, stringify(call.args ?? {}));
    }
  }
}
