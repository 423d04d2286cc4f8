// Owns the fake OpenAI Chat Completions API (POST /v1/chat/completions, JSON or SSE) and the
// OpenAI model list. Promises: the real wire shapes — `data: {chunk}` lines ending with
// `data: [DONE]`, a usage chunk with empty choices only when stream_options.include_usage is
// true — and the same words and usage for stream and non-stream.

import { fail, type HandlerContext, json, type MockResult, mockId, sse } from "./handler.ts";
import { strictChatProblem } from "./openai-strict.ts";
import { planReply, promptTokens } from "./plan.ts";
import { thinksAloud } from "./script.ts";
import { measurePrompt } from "./text.ts";
import { isRecord } from "./tools.ts";
import type { Conversation, ReplyPlan, ToolChoice } from "./types.ts";

export const OPENAI_MODELS = ["gpt-4o", "gpt-4o-mini", "gpt-5", "o3-mini", "text-embedding-3-small"] as const;
const CREATED = 1_700_000_000;
const REASONING_MODEL = /^(o\d|gpt-5)/;

export function chatCompletions(ctx: HandlerContext): MockResult {
  const body = ctx.body;
  if (!isRecord(body)) return fail("openai", 400, "We could not parse the JSON body of your request.", ctx);
  if (typeof body.model !== "string" || body.model === "") {
    return fail("openai", 400, "you must provide a model parameter", ctx);
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return fail("openai", 400, "Missing required parameter: 'messages'.", ctx);
  }
  const strict = strictChatProblem(body);
  if (strict) {
    const error = { message: strict.message, type: "invalid_request_error", param: strict.param, code: null };
    return json({ error }, 400);
  }
  const model = body.model;
  const plan = planReply(toConversation(body, model), ctx.knobs.events);
  const usage = chatUsage(plan, measurePrompt([body.tools, body.messages]), ctx);
  const id = mockId("chatcmpl-", ctx.seq);
  const created = Math.floor(ctx.now / 1000);
  const finish = plan.reply.kind === "tool" ? "tool_calls" : "stop";
  const callId = mockId("call_", ctx.seq);
  // Reasoning goes out as text only when the prompt says `think aloud` (vLLM / DeepSeek style).
  const aloud = plan.thinking !== undefined && thinksAloud(toConversation(body, model));
  const reasoning = aloud ? { reasoning_content: plan.thinking?.text } : {};
  if (body.stream !== true) {
    const message =
      plan.reply.kind === "tool"
        ? {
            role: "assistant",
            content: null,
            refusal: null,
            annotations: [],
            ...reasoning,
            tool_calls: [plan.reply, ...plan.reply.more].map((call, i) => ({
              id: i === 0 ? callId : `${callId}-${i}`,
              type: "function",
              function: { name: call.name, arguments: call.json },
            })),
          }
        : {
            role: "assistant",
            content: plan.reply.text,
            refusal: null,
            annotations: [],
            ...reasoning,
          };
    const choice = { index: 0, message, logprobs: null, finish_reason: finish };
    return json({
      id,
      object: "chat.completion",
      created,
      model,
      choices: [choice],
      usage,
      service_tier: "default",
    });
  }
  const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
  const head = { id, object: "chat.completion.chunk", created, model, system_fingerprint: "fp_mock" };
  const chunk = (delta: unknown, finishReason: string | null) => {
    const choices = [{ index: 0, delta, logprobs: null, finish_reason: finishReason }];
    return sse(includeUsage ? { ...head, choices, usage: null } : { ...head, choices });
  };
  const events = [];
  if (aloud)
    for (const text of plan.thinking?.chunks ?? []) events.push(chunk({ reasoning_content: text }, null));
  if (plan.reply.kind === "tool") {
    for (const [index, call] of [plan.reply, ...plan.reply.more].entries()) {
      const id = index === 0 ? callId : `${callId}-${index}`;
      const opening = { index, id, type: "function", function: { name: call.name, arguments: "" } };
      const head = index === 0 ? { role: "assistant", content: null, refusal: null } : {};
      events.push(chunk({ ...head, tool_calls: [opening] }, null));
      for (const args of call.chunks) {
        events.push(chunk({ tool_calls: [{ index, function: { arguments: args } }] }, null));
      }
    }
  } else {
    events.push(chunk({ role: "assistant", content: "", refusal: null }, null));
    for (const content of plan.reply.chunks) events.push(chunk({ content }, null));
  }
  events.push(chunk({}, finish));
  if (includeUsage) events.push(sse({ ...head, choices: [], usage }));
  events.push({ data: "[DONE]" });
  return { kind: "stream", plan: { events, framing: "sse" } };
}

function chatUsage(plan: ReplyPlan, size: ReturnType<typeof measurePrompt>, ctx: HandlerContext) {
  const tokens = promptTokens(size, ctx.knobs.cache, "automatic");
  const reasoning = plan.thinking?.tokens ?? 0;
  const completion = plan.replyTokens + reasoning;
  return {
    prompt_tokens: tokens.total,
    completion_tokens: completion,
    total_tokens: tokens.total + completion,
    prompt_tokens_details: { cached_tokens: tokens.cacheRead, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** Reasoning is on when reasoning_effort asks for it, or by default for o-series / gpt-5 models. */
export function wantsReasoning(effort: unknown, model: string): boolean {
  if (typeof effort === "string") return effort !== "none";
  return REASONING_MODEL.test(model);
}

function toConversation(body: Record<string, unknown>, model: string): Conversation {
  const msgs = Array.isArray(body.messages) ? body.messages : [];
  // A tool's images or files come in a user message of their own right after its result (Chat
  // tool messages hold text only): such a message still answers the tool call.
  let end = msgs.length - 1;
  while (end > 0 && isRecord(msgs[end]) && msgs[end].role === "user" && textOf(msgs[end].content) === "")
    end--;
  const last = msgs[end];
  const toolResult = isRecord(last) && last.role === "tool" ? textOf(last.content) : undefined;
  let lastUserText = "";
  for (let i = msgs.length - 1; i >= 0 && lastUserText === ""; i--) {
    const m = msgs[i];
    if (isRecord(m) && m.role === "user") lastUserText = textOf(m.content);
  }
  const tools = (Array.isArray(body.tools) ? body.tools : []).flatMap((t) =>
    isRecord(t) && isRecord(t.function) && typeof t.function.name === "string"
      ? [{ name: t.function.name, schema: t.function.parameters }]
      : [],
  );
  const thinking = wantsReasoning(body.reasoning_effort, model);
  return { lastUserText, toolResult, tools, toolChoice: toolChoiceOf(body.tool_choice), thinking };
}

export function toolChoiceOf(choice: unknown): ToolChoice {
  if (choice === "none") return { kind: "none" };
  if (choice === "required") return { kind: "any" };
  if (isRecord(choice)) {
    const fn = isRecord(choice.function) ? choice.function : choice;
    if (typeof fn.name === "string") return { kind: "named", name: fn.name };
  }
  return { kind: "auto" };
}

/** Text of a string or of the text parts of a content array (text / input_text / output_text). */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((p): p is Record<string, unknown> => isRecord(p) && typeof p.text === "string")
    .map((p) => String(p.text))
    .join(" ");
}

export function listModels(ctx: HandlerContext): MockResult {
  const data = OPENAI_MODELS.map((id) => ({ id, object: "model", created: CREATED, owned_by: "mock" }));
  const id = ctx.params.id;
  if (id !== undefined) {
    const found = data.find((m) => m.id === id);
    return found ? json(found) : fail("openai", 404, `The model '${id}' does not exist`, ctx);
  }
  return json({ object: "list", data });
}
