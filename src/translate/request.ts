// Anthropic Messages request -> Chat Completions request for one provider preset (pure).
// Promises: the result lists, by short name, every feature dropped because the backend cannot
// express it; with `strict` such a request is refused instead. Names in `dropParams` are
// removed on both sides (Anthropic fields before, Chat fields after) and are not reported.
import { createHash } from "node:crypto";
import type { MessagesRequest } from "./anthropic-types.ts";
import type {
  ChatFunctionTool,
  ChatMessage,
  ChatRequest,
  ChatToolChoice,
  ReasoningEffort,
} from "./openai-types.ts";
import type { Preset } from "./presets.ts";
import { convertMessages, type MessageContext, systemMessages, TEXT_JOIN } from "./request-messages.ts";

export interface ToChatOptions {
  /** Model name sent upstream. */
  model: string;
  preset: Preset;
  /** Refuse instead of dropping what the backend cannot express. */
  strict?: boolean;
  /** Request fields never sent to this provider (operator's choice, so not reported). */
  dropParams?: readonly string[];
}

export type ToChatResult = { ok: true; body: ChatRequest; dropped: string[] } | { ok: false; error: string };

/** Top-level fields this module translates; any other field present is reported as dropped. */
const TRANSLATED = new Set([
  "model",
  "messages",
  "system",
  "max_tokens",
  "stop_sequences",
  "temperature",
  "top_p",
  "top_k",
  "stream",
  "tools",
  "tool_choice",
  "thinking",
  "metadata",
  "output_config",
]);

/** Fields drop_params cannot remove: without them there is no request (or no stream). */
const KEPT = new Set(["model", "messages", "stream"]);

const EFFORT_ORDER: readonly ReasoningEffort[] = ["none", "minimal", "low", "medium", "high", "xhigh", "max"];

/** The accepted effort closest to the one asked for (ties go to the stronger one). */
export function nearestEffort(
  wanted: ReasoningEffort,
  accepted?: readonly ReasoningEffort[],
): ReasoningEffort {
  if (accepted === undefined || accepted.length === 0 || accepted.includes(wanted)) return wanted;
  const rank = EFFORT_ORDER.indexOf(wanted);
  let best = accepted[0] as ReasoningEffort;
  for (const e of accepted) {
    const d = Math.abs(EFFORT_ORDER.indexOf(e) - rank);
    if (d <= Math.abs(EFFORT_ORDER.indexOf(best) - rank)) best = e;
  }
  return best;
}

/** A thinking budget as an effort level (Anthropic's minimum budget is 1024). */
export function effortForBudget(budget: number): ReasoningEffort {
  if (budget < 4096) return "low";
  if (budget < 16384) return "medium";
  return "high";
}

const asEffort = (e: unknown): ReasoningEffort | undefined =>
  typeof e === "string" && (EFFORT_ORDER as readonly string[]).includes(e)
    ? (e as ReasoningEffort)
    : undefined;

function applyReasoning(
  req: MessagesRequest,
  body: ChatRequest,
  preset: Preset,
  drop: (w: string) => void,
): void {
  const kind = req.thinking?.type;
  const budget = req.thinking?.budget_tokens;
  const asked = req.output_config?.effort;
  const explicit = asEffort(asked);
  if (asked !== undefined && asked !== null && explicit === undefined) drop("output_config.effort");
  if (kind !== undefined && !["enabled", "adaptive", "disabled"].includes(kind)) drop(`thinking:${kind}`);
  const on = kind === "enabled" || kind === "adaptive";
  const effort =
    explicit ?? (kind === "enabled" && budget !== undefined ? effortForBudget(budget) : undefined);
  const style = preset.reasoning ?? "none";
  if (style === "none") {
    if (kind === "enabled") drop("thinking");
    if (explicit !== undefined) drop("output_config.effort");
  } else if (style === "effort") {
    if (kind === "disabled" && preset.offEffort !== undefined) body.reasoning_effort = preset.offEffort;
    else if (kind !== "disabled" && effort !== undefined)
      body.reasoning_effort = nearestEffort(effort, preset.efforts);
  } else if (style === "openrouter") {
    if (kind === "disabled") body.reasoning = { effort: "none" };
    else if (explicit !== undefined) body.reasoning = { effort: nearestEffort(explicit, preset.efforts) };
    else if (kind === "enabled" && budget !== undefined) body.reasoning = { max_tokens: budget };
    else if (on) body.reasoning = { enabled: true };
  } else {
    if (kind === "disabled") body.thinking = { type: "disabled" };
    else if (on) body.thinking = { type: "enabled" };
    if (kind !== "disabled" && effort !== undefined)
      body.reasoning_effort = nearestEffort(effort, preset.efforts);
  }
}

function applyTools(
  req: MessagesRequest,
  body: ChatRequest,
  preset: Preset,
  drop: (w: string) => void,
): void {
  const tools: ChatFunctionTool[] = [];
  for (const tool of req.tools ?? []) {
    if (tool.type !== undefined && tool.type !== null && tool.type !== "custom") {
      drop(`tool:${tool.type}`);
      continue;
    }
    if (tool.name === undefined) {
      drop("tool:unnamed");
      continue;
    }
    if (tool.cache_control !== undefined && tool.cache_control !== null) drop("cache_control");
    if (tool.defer_loading === true) drop("tools.defer_loading");
    if (tool.strict === true) drop("tools.strict");
    if (tool.input_examples !== undefined) drop("tools.input_examples");
    const parameters = tool.input_schema ?? { type: "object", properties: {} };
    const fn: ChatFunctionTool["function"] = { name: tool.name, parameters };
    if (tool.description !== undefined) fn.description = tool.description;
    tools.push({ type: "function", function: fn });
  }
  const choice = req.tool_choice;
  if (tools.length === 0) {
    if (choice !== undefined && choice.type !== "auto" && choice.type !== "none") drop("tool_choice");
    return;
  }
  body.tools = tools;
  if (choice === undefined) return;
  let mapped: ChatToolChoice | undefined;
  if (choice.type === "auto") mapped = "auto";
  else if (choice.type === "any") mapped = "required";
  else if (choice.type === "none") mapped = "none";
  else if (choice.type === "tool" && tools.some((t) => t.function.name === choice.name)) {
    mapped = { type: "function", function: { name: choice.name as string } };
  } else drop(`tool_choice:${choice.type}`);
  if (mapped !== undefined) body.tool_choice = mapped;
  if (choice.disable_parallel_tool_use === true && mapped !== "none") {
    if (preset.parallelToolCalls === true) body.parallel_tool_calls = false;
    else drop("tool_choice.disable_parallel_tool_use");
  }
}

/** An opaque end-user id short enough for every backend (long ones are hashed, stably). */
export function endUserId(id: string): string {
  if (id.length <= 64) return id;
  return `sha256-${createHash("sha256").update(id).digest("hex").slice(0, 40)}`;
}

function without(req: MessagesRequest, names: ReadonlySet<string>): MessagesRequest {
  if (names.size === 0) return req;
  const copy: Record<string, unknown> = { ...req };
  for (const name of names) if (!KEPT.has(name) && name !== "max_tokens") delete copy[name];
  return copy as MessagesRequest;
}

export function toChatRequest(original: MessagesRequest, opts: ToChatOptions): ToChatResult {
  const { preset } = opts;
  if (preset.format !== "openai")
    return { ok: false, error: "this provider speaks Anthropic: forward as is" };
  const skip = new Set(opts.dropParams ?? []);
  const req = without(original, skip);
  const lost = new Set<string>();
  const drop = (what: string) => lost.add(what);
  for (const key of Object.keys(req)) if (!TRANSLATED.has(key) && req[key] !== undefined) drop(key);

  const ctx: MessageContext = { preset, drop };
  const body: ChatRequest = {
    model: opts.model,
    messages: hoistSystem([...systemMessages(req.system, ctx), ...convertMessages(req.messages, ctx)]),
  };
  // Anthropic continues a final assistant turn (prefill); Chat backends answer after it instead.
  if (req.messages[req.messages.length - 1]?.role === "assistant") drop("assistant_prefill");
  let limit = req.max_tokens;
  if (limit === 0) {
    drop("max_tokens:0");
    limit = 1;
  }
  if (preset.maxTokensCap !== undefined) limit = Math.min(limit, preset.maxTokensCap);
  body[preset.maxTokensField ?? "max_tokens"] = limit;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.top_p !== undefined) body.top_p = req.top_p;
  if (req.top_k !== undefined) {
    if (preset.topK === true) body.top_k = req.top_k;
    else drop("top_k");
  }
  const stops = req.stop_sequences ?? [];
  if (stops.length > 0) {
    const max = preset.maxStopSequences ?? stops.length;
    body.stop = stops.slice(0, max);
    if (stops.length > max) drop("stop_sequences");
  }
  if (req.stream === true) {
    body.stream = true;
    // Every backend is asked for usage; one that refuses the field is asked again without it.
    if (preset.streamUsage !== false) body.stream_options = { include_usage: true };
  }
  applyTools(req, body, preset, drop);
  applyReasoning(req, body, preset, drop);
  const format = req.output_config?.format;
  if (format !== undefined && format !== null) {
    if (preset.jsonSchema === true && format.type === "json_schema") {
      body.response_format = { type: "json_schema", json_schema: { name: "output", schema: format.schema } };
    } else drop("output_config.format");
  }
  const user = req.metadata?.user_id;
  if (typeof user === "string" && user !== "") body.user = endUserId(user);
  for (const name of skip) if (!KEPT.has(name)) delete body[name];

  const dropped = [...lost].sort();
  if (opts.strict === true && dropped.length > 0) {
    return { ok: false, error: `the provider cannot express: ${dropped.join(", ")}` };
  }
  return { ok: true, body, dropped };
}

/**
 * One system message, first. Claude Code puts `role: "system"` entries mid-conversation; many
 * open-model chat templates (Mistral, Llama and Qwen variants served by vLLM, Ollama, LM
 * Studio) reject a system message anywhere but first, so all system text is merged there,
 * in order.
 */
export function hoistSystem(messages: ChatMessage[]): ChatMessage[] {
  const system = messages.filter((m) => m.role === "system");
  if (system.length === 0 || (system.length === 1 && messages[0]?.role === "system")) return messages;
  const text = system.map((m) => (typeof m.content === "string" ? m.content : "")).filter((t) => t !== "");
  return [{ role: "system", content: text.join(TEXT_JOIN) }, ...messages.filter((m) => m.role !== "system")];
}
