// Anthropic Messages requests (/v1/messages and count_tokens): validated against the one
// schema for every request, then sent by the [[routes]] table — untouched to Anthropic, to
// an Anthropic-format provider with its key and model name, or translated to an OpenAI
// Chat Completions provider. Routed count_tokens are answered locally with a tokenizer.
import { proxyError } from "../errors.ts";
import type { RequestContext } from "../proxy/context.ts";
import { passthrough } from "../proxy/passthrough.ts";
import { respondJson } from "../proxy/respond.ts";
import {
  type MessagesRequest,
  validateCountTokensRequest,
  validateMessagesRequest,
} from "../translate/anthropic-types.ts";
import { estimateInputTokens } from "../translate/estimate.ts";
import { asUpstream, maxTokensCap, type RouteMatch, type Router } from "./providers.ts";
import { forwardTranslated } from "./translated.ts";

const encoder = new TextEncoder();

/** Answers the request, or returns undefined for plain passthrough to the Anthropic upstream. */
export async function routeAnthropic(ctx: RequestContext, router: Router): Promise<Response | undefined> {
  const { ex } = ctx;
  const counting = ctx.route.endpoint === "count_tokens";
  const json = ctx.json();
  const valid = counting ? validateCountTokensRequest(json) : validateMessagesRequest(json);
  if (!valid.ok)
    return ctx.fail(proxyError("bad_request", `invalid request: ${valid.issues.slice(0, 10).join("; ")}`));
  const match = router.match(valid.value.model);
  ex.requestModel = valid.value.model;
  if (!match) return undefined;

  ex.routedTo = match.provider.name;
  ex.upstream = match.provider.name;
  ex.upstreamModel = match.model;
  if (match.provider.format === "anthropic") {
    const rewritten = forAnthropicProvider(json as Record<string, unknown>, match);
    if (rewritten !== json) ctx.setBody(encoder.encode(JSON.stringify(rewritten)), rewritten);
    return passthrough(ctx, asUpstream(match.provider));
  }
  if (counting) {
    return respondJson(
      ctx,
      200,
      { input_tokens: estimateInputTokens(valid.value) },
      {
        "x-sluice-provider": match.provider.name,
      },
    );
  }
  // Not counting, so `valid` is validateMessagesRequest's verdict on this very body.
  return forwardTranslated(ctx, valid.value as MessagesRequest, match);
}

/**
 * The body an Anthropic-format provider gets: the route's model name, and max_tokens lowered to
 * the route's or provider's cap (a thinking budget too, which must stay below max_tokens). The
 * same object when nothing changes.
 */
export function forAnthropicProvider(
  body: Record<string, unknown>,
  match: RouteMatch,
): Record<string, unknown> {
  const cap = maxTokensCap(match);
  const asked = typeof body.max_tokens === "number" ? body.max_tokens : undefined;
  const lower = cap !== undefined && asked !== undefined && asked > cap;
  if (!lower && match.model === body.model) return body;
  const out: Record<string, unknown> = { ...body, model: match.model };
  if (!lower) return out;
  out.max_tokens = cap;
  const thinking = body.thinking as { type?: unknown; budget_tokens?: unknown } | undefined;
  if (typeof thinking?.budget_tokens === "number" && thinking.budget_tokens >= cap)
    out.thinking = { ...thinking, budget_tokens: Math.max(1, cap - 1) };
  return out;
}
