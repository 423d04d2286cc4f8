// A rough input-token count for an Anthropic request, for backends with no count_tokens
// endpoint (answering /v1/messages/count_tokens) and for message_start's usage before the
// backend reports its own. Promises: pure; errs on the high side (an under-count makes
// Claude Code compact too late), never negative.
import type { CountTokensRequest } from "./anthropic-types.ts";

/** Characters per token assumed: below the ~3.5-4 typical of English and code, to over-count. */
const CHARS_PER_TOKEN = 3.2;
/** Per image: about what Anthropic charges for a full-size (~1.15 megapixel) image. */
const IMAGE_TOKENS = 1600;
/** Per message, for role and separators. */
const MESSAGE_OVERHEAD = 4;

/** Characters of text found in a value (strings, nested arrays and objects), images counted apart. */
function measure(value: unknown, acc: { chars: number; images: number }): void {
  if (typeof value === "string") acc.chars += value.length;
  else if (Array.isArray(value)) for (const item of value) measure(item, acc);
  else if (typeof value === "object" && value !== null) {
    const block = value as Record<string, unknown>;
    if (block.type === "image") {
      acc.images++;
      return;
    }
    for (const [key, inner] of Object.entries(block)) {
      // Ids, signatures and cache markers are not shown to the model as text.
      if (key === "id" || key === "tool_use_id" || key === "signature" || key === "cache_control") continue;
      if (key === "type" && typeof inner === "string") continue;
      if (key === "input" && typeof inner === "object") acc.chars += JSON.stringify(inner ?? {}).length;
      else measure(inner, acc);
    }
  }
}

export function estimateInputTokens(req: CountTokensRequest): number {
  const acc = { chars: 0, images: 0 };
  measure(req.system, acc);
  measure(req.messages, acc);
  for (const tool of req.tools ?? []) acc.chars += JSON.stringify(tool).length;
  const text = Math.ceil(acc.chars / CHARS_PER_TOKEN);
  return text + acc.images * IMAGE_TOKENS + req.messages.length * MESSAGE_OVERHEAD;
}
