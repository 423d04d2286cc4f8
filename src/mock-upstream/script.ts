// Owns the reply scripts a prompt can carry, so a test (or Claude Code driven by one) gets the
// exact turn it needs from any of the mock's APIs: `call <Tool> with {json}` calls that tool with
// those arguments (several such phrases: parallel calls, in order; the Responses API makes only
// the first); `think aloud` makes the Chat
// Completions API send its reasoning as `reasoning_content`, as vLLM and DeepSeek do; a prompt
// asking for a `<summary>` (Claude Code's /compact) gets one. Promises: pure and deterministic;
// a phrase naming a tool the request does not offer, or arguments that are not a JSON object,
// is ignored.
import type { Conversation, ToolSpec } from "./types.ts";

export interface ScriptedCall {
  tool: ToolSpec;
  args: Record<string, unknown>;
}

const CALL = /\bcall\s+([A-Za-z0-9_.-]+)\s+with\s+(?=\{)/gi;

/** The tool calls the last user text scripts, in order; [] when it scripts none. */
export function scriptedCalls(conv: Conversation): ScriptedCall[] {
  if (conv.toolResult !== undefined || conv.toolChoice.kind === "none") return [];
  const out: ScriptedCall[] = [];
  const text = conv.lastUserText;
  for (const m of text.matchAll(CALL)) {
    const name = (m[1] ?? "").toLowerCase();
    const tool = conv.tools.find((t) => t.name.toLowerCase() === name);
    const start = (m.index ?? 0) + m[0].length;
    const json = objectAt(text, start);
    if (!tool || json === undefined) continue;
    try {
      const args: unknown = JSON.parse(json);
      if (typeof args === "object" && args !== null && !Array.isArray(args))
        out.push({ tool, args: args as Record<string, unknown> });
    } catch {
      // Not JSON: the phrase is ordinary text.
    }
  }
  return out;
}

/** The balanced `{...}` starting at `start` (strings respected), or undefined. */
function objectAt(text: string, start: number): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return text.slice(start, i + 1);
  }
  return undefined;
}

/** True when the prompt asks for reasoning to be sent as text (`think aloud`). */
export const thinksAloud = (conv: Conversation): boolean => /\bthink aloud\b/i.test(conv.lastUserText);

/** True when the prompt asks for a `<summary>` (a compaction request). */
export const wantsSummary = (conv: Conversation): boolean =>
  conv.toolResult === undefined && conv.lastUserText.includes("<summary>");

/** A compaction answer in the shape Claude Code asks for. */
export function summaryText(conv: Conversation): string {
  const words = conv.lastUserText.length;
  return `<analysis>Mock analysis of ${words} characters of conversation.</analysis>\n<summary>Mock summary: the user and the assistant talked; nothing is pending.</summary>`;
}
