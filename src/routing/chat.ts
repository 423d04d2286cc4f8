// Chat Completions requests on an OpenAI client's route (`api = "openai"`): relayed as they are
// to an OpenAI-format target, with only the route's model name and its output cap changed. Pure.
import type { FieldEdit } from "./anthropic.ts";
import { maxTokensCap, type RouteMatch } from "./providers.ts";

/**
 * The fields a Chat Completions request changes for a routed OpenAI-format target: the model,
 * and max_tokens / max_completion_tokens when over the route's or provider's cap.
 */
export function forChatProvider(body: Record<string, unknown>, match: RouteMatch): FieldEdit[] {
  const cap = maxTokensCap(match);
  const out: FieldEdit[] = [];
  if (match.model !== body.model) out.push([["model"], JSON.stringify(match.model)]);
  if (cap === undefined) return out;
  for (const field of ["max_tokens", "max_completion_tokens"]) {
    const asked = body[field];
    if (typeof asked === "number" && asked > cap) out.push([[field], String(cap)]);
  }
  return out;
}
