// Token usage from each provider's responses: `usageFromJson` for whole bodies, and a tracker fed
// the decoded SSE events of a stream. Promises to read only counts, model ids, stop reasons and
// error summaries (never content), to cost O(1) memory per stream, and never to throw.

import type { SseEvent } from "../sse/types.ts";
import {
  describeError,
  obj,
  readAnthropicEvent,
  readAnthropicMessage,
  readGemini,
  readOpenAi,
  type Usage,
  type UsageResult,
} from "./usage-read.ts";

export type { Usage, UsageResult } from "./usage-read.ts";
export { emptyUsage } from "./usage-read.ts";

/** The wire format a response is in (OpenAI covers Chat Completions, Responses and compatibles). */
export type Api = "anthropic" | "openai" | "gemini";

export interface UsageTracker {
  /** Feed every decoded event of the response stream, in order. */
  onEvent(ev: SseEvent): void;
  /** What the stream said so far; call it at any time (a cut stream gives a partial answer). */
  result(): UsageResult;
}

/** Reads a non-stream response body (already JSON-parsed). Gemini may be an array of chunks. */
export function usageFromJson(api: Api, body: unknown): UsageResult {
  const acc: UsageResult = {};
  if (api === "gemini" && Array.isArray(body)) {
    for (const item of body) {
      const o = obj(item);
      if (o) readGemini(acc, o);
    }
    return finished(acc);
  }
  const o = obj(body);
  if (!o) return acc;
  if (api === "anthropic") readAnthropicMessage(acc, o);
  else if (api === "openai") readOpenAi(acc, o);
  else readGemini(acc, o);
  return finished(acc);
}

// Anthropic events that never carry usage, model, stop reason or error: skip their JSON.
const ANTHROPIC_SKIP: ReadonlySet<string> = new Set([
  "content_block_delta",
  "content_block_start",
  "content_block_stop",
  "ping",
]);

/** SSE event names whose events the tracker of `api` ignores (Chat and Gemini events have none). */
export function usageSkip(api: Api): ReadonlySet<string> | undefined {
  return api === "anthropic" ? ANTHROPIC_SKIP : undefined;
}

export function createUsageTracker(api: Api): UsageTracker {
  const acc: UsageResult = {};
  const read = api === "anthropic" ? readAnthropicEvent : api === "openai" ? readOpenAi : readGemini;
  return {
    onEvent(ev: SseEvent): void {
      if (ev.event === "error") {
        // Anthropic names its error events; some OpenAI-compatible servers do too.
        const o = parse(ev.data);
        acc.error = describeError(o ? (o.error ?? o) : ev.data);
        return;
      }
      if (api === "anthropic" && ev.event !== undefined && ANTHROPIC_SKIP.has(ev.event)) return;
      const data = parse(ev.data);
      if (data) read(acc, data);
    },
    result(): UsageResult {
      return finished({ ...acc });
    },
  };
}

function parse(text: string): Record<string, unknown> | undefined {
  if (text.length === 0 || text === "[DONE]") return undefined;
  const first = text.charCodeAt(0);
  // Cheap guard: only objects can carry usage (skips keep-alives and plain-text payloads).
  if (first !== 123 /* { */ && first !== 32 && first !== 10 && first !== 9) return undefined;
  try {
    return obj(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** Detaches the usage object so callers never share the accumulator's. */
function finished(acc: UsageResult): UsageResult {
  if (acc.usage) acc.usage = { ...acc.usage } satisfies Usage;
  return acc;
}
