// Anthropic Messages requests (/v1/messages and count_tokens): every one is validated against
// the one schema before any route is looked at, and an Anthropic-format provider gets the body
// with its own model name and caps. Pure.
import { type ProxyError, proxyError } from "../errors.ts";
import {
  type CountTokensRequest,
  type MessagesRequest,
  validateCountTokensRequest,
  validateMessagesRequest,
} from "../translate/anthropic-types.ts";
import { maxTokensCap, type RouteMatch } from "./providers.ts";

/** A validated Anthropic request: only /v1/messages is ever translated. */
export type AnthropicRequest =
  | { kind: "messages"; request: MessagesRequest }
  | { kind: "count_tokens"; request: CountTokensRequest };

/** The validated request, or a 400 naming what is wrong (never the values). */
export function validateAnthropic(json: unknown, counting: boolean): AnthropicRequest | ProxyError {
  const invalid = (issues: string[]) =>
    proxyError("bad_request", `invalid request: ${issues.slice(0, 10).join("; ")}`);
  if (counting) {
    const valid = validateCountTokensRequest(json);
    return valid.ok ? { kind: "count_tokens", request: valid.value } : invalid(valid.issues);
  }
  const valid = validateMessagesRequest(json);
  return valid.ok ? { kind: "messages", request: valid.value } : invalid(valid.issues);
}

/** One field to set in a body: its path and its new value as JSON text. */
export type FieldEdit = [path: string[], json: string];

/**
 * The fields an Anthropic-format provider gets changed: the route's model name, and max_tokens
 * lowered to the route's or provider's cap (a thinking budget too, which must stay below
 * max_tokens). Empty when nothing changes. Applied with src/json/edit.ts setFields, so every
 * other byte of the body (numbers too) goes on as the client sent it.
 */
export function forAnthropicProvider(body: Record<string, unknown>, match: RouteMatch): FieldEdit[] {
  const cap = maxTokensCap(match);
  const asked = typeof body.max_tokens === "number" ? body.max_tokens : undefined;
  const lower = cap !== undefined && asked !== undefined && asked > cap;
  const out: FieldEdit[] = [];
  if (match.model !== body.model) out.push([["model"], JSON.stringify(match.model)]);
  if (!lower) return out;
  out.push([["max_tokens"], String(cap)]);
  const thinking = body.thinking as { type?: unknown; budget_tokens?: unknown } | undefined;
  if (typeof thinking?.budget_tokens === "number" && thinking.budget_tokens >= cap)
    out.push([["thinking", "budget_tokens"], String(Math.max(1, cap - 1))]);
  return out;
}
