// Owns the step from a neutral Conversation to a ReplyPlan (text or tool call, optional
// thinking, token counts) and the shared cache arithmetic. Promises: pure and deterministic,
// so a streamed and a non-streamed answer to the same request carry the same words and usage.

import { scriptedCalls, summaryText, wantsSummary } from "./script.ts";
import { chunkWords, replySentence, splitEven, thinkingChunks, tokensOf } from "./text.ts";
import { argsFromSchema, pickTool } from "./tools.ts";
import type { CacheMode, Conversation, PromptSize, ReplyPlan, ToolReply } from "./types.ts";

/** OpenAI and Gemini cache prompts of at least this many tokens, in steps of 128. */
const AUTO_CACHE_MIN_TOKENS = 1024;
const AUTO_CACHE_STEP = 128;

export function planReply(conv: Conversation, events: number): ReplyPlan {
  const thinking = conv.thinking ? withTokens(thinkingChunks(conv)) : undefined;
  const scripted = scriptedCalls(conv);
  const tool = pickTool(conv);
  const calls: ToolReply[] = scripted.map((c) => toolReply(c.tool.name, c.args, events));
  if (calls.length === 0 && tool) calls.push(toolReply(tool.name, argsFromSchema(tool.schema), events));
  const [first, ...more] = calls;
  if (first) {
    const replyTokens = calls.reduce((n, c) => n + tokensOf(c.json), 0);
    return { reply: { kind: "tool", ...first, more }, thinking, replyTokens };
  }
  const sentence = wantsSummary(conv) ? summaryText(conv) : replySentence(conv);
  const { text, chunks } = wantsSummary(conv)
    ? { text: sentence, chunks: splitEven(sentence, events) }
    : chunkWords(sentence, events);
  return { reply: { kind: "text", text, chunks }, thinking, replyTokens: tokensOf(text) };
}

function toolReply(name: string, args: Record<string, unknown>, events: number): ToolReply {
  const json = JSON.stringify(args);
  return { name, args, json, chunks: splitEven(json, events) };
}

function withTokens(t: { text: string; chunks: string[] }): {
  text: string;
  chunks: string[];
  tokens: number;
} {
  return { ...t, tokens: tokensOf(t.text) };
}

export interface PromptTokens {
  /** Every prompt token, cached or not. */
  total: number;
  /** Tokens served from the cache. */
  cacheRead: number;
  /** Tokens written to the cache (Anthropic only). */
  cacheWrite: number;
}

/**
 * Splits the prompt into cached and uncached tokens. "auto": Anthropic reads the prefix up to
 * the last cache_control mark; OpenAI and Gemini read whole 128-token steps of prompts over
 * 1024 tokens. "read" / "write": the marked prefix, else half the prompt. "none": nothing.
 */
export function promptTokens(
  size: PromptSize,
  mode: CacheMode,
  flavor: "marked" | "automatic",
): PromptTokens {
  const total = Math.max(1, Math.ceil(size.chars / 4));
  const forced = size.marked ? Math.ceil(size.cachedChars / 4) : Math.floor(total / 2);
  const cached = Math.min(total, forced);
  switch (mode) {
    case "none":
      return { total, cacheRead: 0, cacheWrite: 0 };
    case "read":
      return { total, cacheRead: cached, cacheWrite: 0 };
    case "write":
      return { total, cacheRead: 0, cacheWrite: flavor === "marked" ? cached : 0 };
    case "auto":
      if (flavor === "marked") return { total, cacheRead: size.marked ? cached : 0, cacheWrite: 0 };
      return { total, cacheRead: automaticCache(total), cacheWrite: 0 };
  }
}

function automaticCache(total: number): number {
  if (total <= AUTO_CACHE_MIN_TOKENS) return 0;
  return Math.floor((total - 1) / AUTO_CACHE_STEP) * AUTO_CACHE_STEP;
}
