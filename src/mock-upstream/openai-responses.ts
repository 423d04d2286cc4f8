// Owns the fake OpenAI Responses API (POST /v1/responses): a message or function_call output,
// as one JSON object or as the typed SSE events (response.created ... response.completed).
// Promises: shapes the openai SDK parses, including usage with cached and reasoning tokens.

import type { SseEvent } from "../sse/types.ts";
import { fail, type HandlerContext, json, type MockResult, mockId, sse } from "./handler.ts";
import { textOf, toolChoiceOf, wantsReasoning } from "./openai.ts";
import { planReply, promptTokens } from "./plan.ts";
import { measurePrompt } from "./text.ts";
import { isRecord } from "./tools.ts";
import type { Conversation } from "./types.ts";

export function responses(ctx: HandlerContext): MockResult {
  const body = ctx.body;
  if (!isRecord(body)) return fail("openai", 400, "We could not parse the JSON body of your request.", ctx);
  if (typeof body.model !== "string" || body.model === "") {
    return fail("openai", 400, "Missing required parameter: 'model'.", ctx);
  }
  const model = body.model;
  const plan = planReply(toConversation(body, model), ctx.knobs.events);
  const tokens = promptTokens(
    measurePrompt([body.tools, body.instructions, body.input]),
    ctx.knobs.cache,
    "automatic",
  );
  const reasoning = plan.thinking?.tokens ?? 0;
  const output = plan.replyTokens + reasoning;
  const usage = {
    input_tokens: tokens.total,
    input_tokens_details: { cached_tokens: tokens.cacheRead },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: tokens.total + output,
  };
  const itemId = mockId(plan.reply.kind === "tool" ? "fc_" : "msg_", ctx.seq);
  const item =
    plan.reply.kind === "tool"
      ? {
          type: "function_call",
          id: itemId,
          call_id: mockId("call_", ctx.seq),
          name: plan.reply.name,
          arguments: plan.reply.json,
          status: "completed",
        }
      : {
          type: "message",
          id: itemId,
          status: "completed",
          role: "assistant",
          content: [{ type: "output_text", text: plan.reply.text, annotations: [] }],
        };
  const response = {
    id: mockId("resp_", ctx.seq),
    object: "response",
    created_at: Math.floor(ctx.now / 1000),
    status: "completed",
    error: null,
    incomplete_details: null,
    instructions: typeof body.instructions === "string" ? body.instructions : null,
    model,
    output: [item],
    parallel_tool_calls: true,
    tool_choice: body.tool_choice ?? "auto",
    tools: Array.isArray(body.tools) ? body.tools : [],
    usage,
  };
  if (body.stream !== true) return json(response);

  const events: SseEvent[] = [];
  const emit = (type: string, fields: Record<string, unknown>) =>
    events.push(sse({ type, sequence_number: events.length, ...fields }, type));
  const pending = { ...response, status: "in_progress", output: [], usage: null };
  emit("response.created", { response: pending });
  emit("response.in_progress", { response: pending });
  const at = { item_id: itemId, output_index: 0 };
  if (plan.reply.kind === "tool") {
    emit("response.output_item.added", {
      output_index: 0,
      item: { ...item, arguments: "", status: "in_progress" },
    });
    for (const delta of plan.reply.chunks) emit("response.function_call_arguments.delta", { ...at, delta });
    emit("response.function_call_arguments.done", { ...at, arguments: plan.reply.json });
  } else {
    const part = { type: "output_text", text: "", annotations: [] };
    emit("response.output_item.added", {
      output_index: 0,
      item: { ...item, content: [], status: "in_progress" },
    });
    emit("response.content_part.added", { ...at, content_index: 0, part });
    for (const delta of plan.reply.chunks) {
      emit("response.output_text.delta", { ...at, content_index: 0, delta, logprobs: [] });
    }
    emit("response.output_text.done", { ...at, content_index: 0, text: plan.reply.text, logprobs: [] });
    emit("response.content_part.done", { ...at, content_index: 0, part: { ...part, text: plan.reply.text } });
  }
  emit("response.output_item.done", { output_index: 0, item });
  emit("response.completed", { response });
  return { kind: "stream", plan: { events, framing: "sse" } };
}

function toConversation(body: Record<string, unknown>, model: string): Conversation {
  const input = body.input;
  const items =
    typeof input === "string" ? [{ role: "user", content: input }] : Array.isArray(input) ? input : [];
  const last = items.at(-1);
  const toolResult =
    isRecord(last) && last.type === "function_call_output"
      ? typeof last.output === "string"
        ? last.output
        : textOf(last.output)
      : undefined;
  let lastUserText = "";
  for (let i = items.length - 1; i >= 0 && lastUserText === ""; i--) {
    const m = items[i];
    if (isRecord(m) && m.role === "user") lastUserText = textOf(m.content);
  }
  const tools = (Array.isArray(body.tools) ? body.tools : []).flatMap((t) =>
    isRecord(t) && t.type === "function" && typeof t.name === "string"
      ? [{ name: t.name, schema: t.parameters }]
      : [],
  );
  const effort = isRecord(body.reasoning) ? body.reasoning.effort : undefined;
  const thinking = wantsReasoning(effort, model);
  return { lastUserText, toolResult, tools, toolChoice: toolChoiceOf(body.tool_choice), thinking };
}
