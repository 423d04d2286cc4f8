// Owns the fake Anthropic Messages API: POST /v1/messages (JSON or SSE), count_tokens and the
// model list. Promises: the wire shapes and the stream event order of the real API
// (message_start, content_block_start, ping, content_block_delta..., content_block_stop,
// message_delta, message_stop), and the same words and usage for stream and non-stream.

import type { SseEvent } from "../sse/types.ts";
import { fail, type HandlerContext, json, type MockResult, mockId, sse } from "./handler.ts";
import { planReply, promptTokens } from "./plan.ts";
import { hash32, measurePrompt } from "./text.ts";
import { isRecord } from "./tools.ts";
import type { Conversation, ReplyPlan, ToolChoice } from "./types.ts";

export const ANTHROPIC_MODELS = [
  { id: "claude-opus-5-5", display_name: "Claude Opus 5.5 (mock)", created_at: "2026-01-01T00:00:00Z" },
  { id: "claude-sonnet-5-5", display_name: "Claude Sonnet 5.5 (mock)", created_at: "2026-01-01T00:00:00Z" },
  { id: "claude-haiku-5-5", display_name: "Claude Haiku 5.5 (mock)", created_at: "2026-01-01T00:00:00Z" },
  { id: "claude-sonnet-4-6", display_name: "Claude Sonnet 4.6 (mock)", created_at: "2025-06-01T00:00:00Z" },
  { id: "claude-haiku-4-5", display_name: "Claude Haiku 4.5 (mock)", created_at: "2025-10-01T00:00:00Z" },
] as const;

type Checked = { ok: true; body: Record<string, unknown>; model: string } | { ok: false; result: MockResult };

function check(ctx: HandlerContext): Checked {
  const body = ctx.body;
  if (!isRecord(body))
    return { ok: false, result: fail("anthropic", 400, "body: Input should be an object", ctx) };
  if (typeof body.model !== "string" || body.model === "") {
    return { ok: false, result: fail("anthropic", 400, "model: Field required", ctx) };
  }
  if (!Array.isArray(body.messages)) {
    return { ok: false, result: fail("anthropic", 400, "messages: Field required", ctx) };
  }
  return { ok: true, body, model: body.model };
}

function prompt(body: Record<string, unknown>) {
  return measurePrompt([body.tools, body.system, body.messages]);
}

export function countTokens(ctx: HandlerContext): MockResult {
  const c = check(ctx);
  if (!c.ok) return c.result;
  return json({ input_tokens: promptTokens(prompt(c.body), "none", "marked").total });
}

export function messages(ctx: HandlerContext): MockResult {
  const c = check(ctx);
  if (!c.ok) return c.result;
  const { body, model } = c;
  const conv = toConversation(body);
  const plan = planReply(conv, ctx.knobs.events);
  const tokens = promptTokens(prompt(body), ctx.knobs.cache, "marked");
  const input = {
    input_tokens: tokens.total - tokens.cacheRead - tokens.cacheWrite,
    cache_creation_input_tokens: tokens.cacheWrite,
    cache_read_input_tokens: tokens.cacheRead,
  };
  const outputTokens = plan.replyTokens + (plan.thinking?.tokens ?? 0);
  // Writes count as 1-hour ones when the request marks its cache with ttl "1h" (Claude Code's
  // CLAUDE_CODE_PROMPT_CACHE_TTL=1h does so on every mark).
  const write1h =
    tokens.cacheWrite > 0 && JSON.stringify([body.system, body.tools, body.messages]).includes('"ttl":"1h"')
      ? tokens.cacheWrite
      : 0;
  const usage = {
    ...input,
    cache_creation: {
      ephemeral_5m_input_tokens: tokens.cacheWrite - write1h,
      ephemeral_1h_input_tokens: write1h,
    },
    output_tokens: outputTokens,
    service_tier: "standard",
  };
  const id = mockId("msg_", ctx.seq);
  const stopReason = plan.reply.kind === "tool" ? "tool_use" : "end_turn";
  const omitted = isRecord(body.thinking) && body.thinking.display === "omitted";
  const signature = btoa(`mock-signature:${hash32(`${model}:${plan.thinking?.text ?? ""}`).toString(16)}`);
  const toolId = mockId("toolu_", ctx.seq);
  if (body.stream !== true) {
    const content: unknown[] = [];
    if (plan.thinking)
      content.push({ type: "thinking", thinking: omitted ? "" : plan.thinking.text, signature });
    if (plan.reply.kind === "tool") {
      for (const [i, call] of [plan.reply, ...plan.reply.more].entries())
        content.push({ type: "tool_use", id: callId(toolId, i), name: call.name, input: call.args });
    } else content.push({ type: "text", text: plan.reply.text });
    const message = { id, type: "message", role: "assistant", model, content };
    return json({ ...message, stop_reason: stopReason, stop_sequence: null, usage });
  }
  const events: SseEvent[] = [];
  const start = { id, type: "message", role: "assistant", model, content: [], stop_reason: null };
  const startUsage = { ...usage, output_tokens: 1 };
  events.push(
    sse(
      { type: "message_start", message: { ...start, stop_sequence: null, usage: startUsage } },
      "message_start",
    ),
  );
  let index = 0;
  const block = (contentBlock: unknown, deltas: unknown[]) => {
    events.push(
      sse({ type: "content_block_start", index, content_block: contentBlock }, "content_block_start"),
    );
    if (index === 0) events.push(sse({ type: "ping" }, "ping"));
    for (const delta of deltas)
      events.push(sse({ type: "content_block_delta", index, delta }, "content_block_delta"));
    events.push(sse({ type: "content_block_stop", index }, "content_block_stop"));
    index++;
  };
  if (plan.thinking) {
    const thinking = omitted
      ? []
      : plan.thinking.chunks.map((t) => ({ type: "thinking_delta", thinking: t }));
    block({ type: "thinking", thinking: "", signature: "" }, [
      ...thinking,
      { type: "signature_delta", signature },
    ]);
  }
  for (const [contentBlock, deltas] of replyBlocks(plan, toolId)) block(contentBlock, deltas);
  const deltaUsage = { ...input, output_tokens: outputTokens };
  const delta = { stop_reason: stopReason, stop_sequence: null };
  events.push(sse({ type: "message_delta", delta, usage: deltaUsage }, "message_delta"));
  events.push(sse({ type: "message_stop" }, "message_stop"));
  return { kind: "stream", plan: { events, framing: "sse" } };
}

/** The first call keeps the plain id; parallel calls after it get -1, -2 ... */
const callId = (id: string, i: number) => (i === 0 ? id : `${id}-${i}`);

function replyBlocks(plan: ReplyPlan, toolId: string): [unknown, unknown[]][] {
  const reply = plan.reply;
  if (reply.kind === "text") {
    return [[{ type: "text", text: "" }, reply.chunks.map((text) => ({ type: "text_delta", text }))]];
  }
  return [reply, ...reply.more].map((call, i) => [
    { type: "tool_use", id: callId(toolId, i), name: call.name, input: {} },
    call.chunks.map((partial_json) => ({ type: "input_json_delta", partial_json })),
  ]);
}

export function listModels(ctx: HandlerContext): MockResult {
  const data = ANTHROPIC_MODELS.map((m) => ({ type: "model", ...m }));
  const id = ctx.params.id;
  if (id !== undefined) {
    const found = data.find((m) => m.id === id);
    return found ? json(found) : fail("anthropic", 404, `model: ${id}`, ctx);
  }
  return json({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
}

export function toConversation(body: Record<string, unknown>): Conversation {
  const msgs = Array.isArray(body.messages) ? body.messages : [];
  const last = msgs.at(-1);
  let toolResult: string | undefined;
  if (isRecord(last) && Array.isArray(last.content)) {
    for (const block of last.content) {
      if (isRecord(block) && block.type === "tool_result") toolResult = textOf(block.content);
    }
  }
  let lastUserText = "";
  for (let i = msgs.length - 1; i >= 0 && lastUserText === ""; i--) {
    const m = msgs[i];
    if (isRecord(m) && m.role === "user") lastUserText = textOf(m.content);
  }
  const tools = (Array.isArray(body.tools) ? body.tools : [])
    .filter((t): t is Record<string, unknown> => isRecord(t) && typeof t.name === "string")
    .map((t) => ({ name: String(t.name), schema: t.input_schema }));
  const thinking =
    isRecord(body.thinking) && (body.thinking.type === "enabled" || body.thinking.type === "adaptive");
  return { lastUserText, toolResult, tools, toolChoice: toolChoiceOf(body.tool_choice), thinking };
}

function toolChoiceOf(choice: unknown): ToolChoice {
  if (!isRecord(choice)) return { kind: "auto" };
  if (choice.type === "none") return { kind: "none" };
  if (choice.type === "any") return { kind: "any" };
  if (choice.type === "tool" && typeof choice.name === "string") return { kind: "named", name: choice.name };
  return { kind: "auto" };
}

/** Text of a string or of the text blocks in a content array. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter(
      (b): b is Record<string, unknown> => isRecord(b) && b.type === "text" && typeof b.text === "string",
    )
    .map((b) => String(b.text))
    .join(" ");
}
