// Input-token count for an Anthropic request routed to a backend with no count_tokens
// endpoint (answering /v1/messages/count_tokens) and for message_start's usage before the
// backend reports its own. Text is counted with a real BPE tokenizer (o200k_base, the
// encoding of current OpenAI models and close to most open models' counts); images and
// per-message framing are added as Anthropic documents them. Pure; never negative.
import type { CountTokensRequest } from "./anthropic-types.ts";

type Counter = (text: string) => number;
let counter: Counter | undefined;

/**
 * The o200k tokenizer, loaded on first use: its tables take about 350 ms and 60 MB to load,
 * which only deployments with routes should pay (app.ts warms it in the background then).
 */
export function tokenizer(): Counter {
  counter ??= (require("gpt-tokenizer/encoding/o200k_base") as { countTokens: Counter }).countTokens;
  return counter;
}

/** Per image: about what Anthropic charges for a full-size (~1.15 megapixel) image. */
const IMAGE_TOKENS = 1600;
/** Per message, for role and separators. */
const MESSAGE_OVERHEAD = 4;

/** Text shown to the model found in a value (strings, nested arrays and objects); images counted apart. */
function collect(value: unknown, acc: { text: string[]; images: number }): void {
  if (typeof value === "string") acc.text.push(value);
  else if (Array.isArray(value)) for (const item of value) collect(item, acc);
  else if (typeof value === "object" && value !== null) {
    const block = value as Record<string, unknown>;
    if (block.type === "image") {
      acc.images++;
      return;
    }
    for (const [key, inner] of Object.entries(block)) {
      // Ids, signatures and cache markers are not shown to the model as text.
      if (key === "id" || key === "tool_use_id" || key === "signature" || key === "cache_control") continue;
      // The role is part of the per-message overhead.
      if (key === "role") continue;
      if (key === "type" && typeof inner === "string") continue;
      if (key === "input" && typeof inner === "object") acc.text.push(JSON.stringify(inner ?? {}));
      else collect(inner, acc);
    }
  }
}

export function estimateInputTokens(req: CountTokensRequest): number {
  const acc = { text: [] as string[], images: 0 };
  collect(req.system, acc);
  collect(req.messages, acc);
  for (const tool of req.tools ?? []) acc.text.push(JSON.stringify(tool));
  const text = acc.text.length === 0 ? 0 : tokenizer()(acc.text.join("\n"));
  return text + acc.images * IMAGE_TOKENS + req.messages.length * MESSAGE_OVERHEAD;
}
