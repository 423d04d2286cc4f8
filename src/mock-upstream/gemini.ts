// Owns the fake Gemini API: POST /v1beta/models/{model}:generateContent, :streamGenerateContent
// (SSE with ?alt=sse, else a streamed JSON array), :countTokens, and GET /v1beta/models.
// Promises: the real wire shapes, usageMetadata whose zero counts are left out as the real API
// does, and the same words and usage for stream and non-stream.

import type { SseEvent } from "../sse/types.ts";
import { fail, type HandlerContext, json, type MockResult, mockId, sse } from "./handler.ts";
import { planReply, promptTokens } from "./plan.ts";
import { measurePrompt } from "./text.ts";
import { isRecord } from "./tools.ts";
import type { Conversation, ToolChoice, ToolSpec } from "./types.ts";

export const GEMINI_MODELS = ["gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite"] as const;

type Part = Record<string, unknown>;

export function generate(ctx: HandlerContext): MockResult {
  const method = ctx.params.method ?? "";
  const body = ctx.body;
  if (!isRecord(body)) return fail("gemini", 400, "Invalid JSON payload received.", ctx);
  const request =
    method === "countTokens" && isRecord(body.generateContentRequest) ? body.generateContentRequest : body;
  if (!Array.isArray(request.contents)) {
    return fail("gemini", 400, "* GenerateContentRequest.contents: contents is not specified", ctx);
  }
  const tokens = promptTokens(
    measurePrompt([request.tools, request.systemInstruction, request.contents]),
    ctx.knobs.cache,
    "automatic",
  );
  const promptDetails = [{ modality: "TEXT", tokenCount: tokens.total }];
  if (method === "countTokens")
    return json({ totalTokens: tokens.total, promptTokensDetails: promptDetails });
  const model = ctx.params.model ?? "";
  const conv = toConversation(request);
  const plan = planReply(conv, ctx.knobs.events);
  const includeThoughts = thinkingConfig(request).includeThoughts === true;
  const thoughts = plan.thinking?.tokens ?? 0;
  const usage = (candidateChars: number) => {
    const candidates = Math.max(1, Math.ceil(candidateChars / 4));
    return {
      promptTokenCount: tokens.total,
      candidatesTokenCount: candidates,
      totalTokenCount: tokens.total + candidates + thoughts,
      ...(tokens.cacheRead > 0 ? { cachedContentTokenCount: tokens.cacheRead } : {}),
      ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
      promptTokensDetails: promptDetails,
    };
  };
  const reply = plan.reply;
  const replyChars = reply.kind === "tool" ? reply.json.length : reply.text.length;
  const thoughtPart: Part[] =
    includeThoughts && plan.thinking ? [{ text: plan.thinking.text, thought: true }] : [];
  const envelope = (parts: Part[], done: boolean, chars: number) => ({
    candidates: [{ content: { parts, role: "model" }, ...(done ? { finishReason: "STOP" } : {}), index: 0 }],
    usageMetadata: usage(chars),
    modelVersion: model,
    responseId: mockId("gemini_", ctx.seq),
  });
  const replyParts: Part[] =
    reply.kind === "tool"
      ? [reply, ...reply.more].map((call) => ({ functionCall: { name: call.name, args: call.args } }))
      : [{ text: reply.text }];
  if (method === "generateContent") return json(envelope([...thoughtPart, ...replyParts], true, replyChars));
  if (method !== "streamGenerateContent") {
    return fail("gemini", 404, `Method ${method} is not supported by the mock upstream`, ctx);
  }
  const events: SseEvent[] = [];
  if (thoughtPart.length > 0) events.push(sse(envelope(thoughtPart, false, 0)));
  if (reply.kind === "tool") events.push(sse(envelope(replyParts, true, replyChars)));
  else {
    let sent = 0;
    reply.chunks.forEach((text, i) => {
      sent += text.length;
      events.push(sse(envelope([{ text }], i === reply.chunks.length - 1, sent)));
    });
  }
  const framing = ctx.url.searchParams.get("alt") === "sse" ? "sse-crlf" : "json-array";
  return { kind: "stream", plan: { events, framing } };
}

function thinkingConfig(request: Record<string, unknown>): Record<string, unknown> {
  const config = isRecord(request.generationConfig) ? request.generationConfig : {};
  return isRecord(config.thinkingConfig) ? config.thinkingConfig : {};
}

function toConversation(request: Record<string, unknown>): Conversation {
  const contents = Array.isArray(request.contents) ? request.contents : [];
  const partsOf = (c: unknown): Part[] =>
    isRecord(c) && Array.isArray(c.parts) ? c.parts.filter(isRecord) : [];
  let toolResult: string | undefined;
  for (const part of partsOf(contents.at(-1))) {
    if (isRecord(part.functionResponse)) toolResult = JSON.stringify(part.functionResponse.response ?? {});
  }
  let lastUserText = "";
  for (let i = contents.length - 1; i >= 0 && lastUserText === ""; i--) {
    const c = contents[i];
    if (isRecord(c) && (c.role === undefined || c.role === "user")) {
      lastUserText = partsOf(c)
        .flatMap((p) => (typeof p.text === "string" ? [p.text] : []))
        .join(" ");
    }
  }
  const tools: ToolSpec[] = [];
  for (const tool of Array.isArray(request.tools) ? request.tools : []) {
    const decls = isRecord(tool) && Array.isArray(tool.functionDeclarations) ? tool.functionDeclarations : [];
    for (const d of decls) {
      if (isRecord(d) && typeof d.name === "string")
        tools.push({ name: d.name, schema: d.parameters ?? d.parametersJsonSchema });
    }
  }
  const thinking = thinkingConfig(request);
  const wantsThoughts =
    thinking.includeThoughts === true ||
    thinking.thinkingLevel !== undefined ||
    (typeof thinking.thinkingBudget === "number" && thinking.thinkingBudget !== 0);
  return {
    lastUserText,
    toolResult,
    tools,
    toolChoice: toolChoiceOf(request.toolConfig),
    thinking: wantsThoughts,
  };
}

function toolChoiceOf(toolConfig: unknown): ToolChoice {
  const config =
    isRecord(toolConfig) && isRecord(toolConfig.functionCallingConfig)
      ? toolConfig.functionCallingConfig
      : {};
  const mode = typeof config.mode === "string" ? config.mode.toUpperCase() : "AUTO";
  if (mode === "NONE") return { kind: "none" };
  if (mode !== "ANY") return { kind: "auto" };
  const allowed = Array.isArray(config.allowedFunctionNames) ? config.allowedFunctionNames[0] : undefined;
  return typeof allowed === "string" ? { kind: "named", name: allowed } : { kind: "any" };
}

export function listModels(ctx: HandlerContext): MockResult {
  const models = GEMINI_MODELS.map((id) => ({
    name: `models/${id}`,
    version: "001",
    displayName: `${id} (mock)`,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ["generateContent", "streamGenerateContent", "countTokens"],
  }));
  const id = ctx.params.model;
  if (id !== undefined) {
    const found = models.find((m) => m.name === `models/${id}`);
    return found ? json(found) : fail("gemini", 404, `models/${id} is not found`, ctx);
  }
  return json({ models });
}
