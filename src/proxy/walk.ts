// The walk: one loop over a request's plan (routing/plan.ts). For each target it prepares the
// leg, sends with retries (send.ts) and hands the answer to the leg to relay. Every decision in
// the loop is a pure function elsewhere; this file only sequences them and does the bookkeeping
// on the Exchange.
import { isProxyError, type ProxyError, proxyError } from "../errors.ts";
import type { AnthropicRequest } from "../routing/anthropic.ts";
import type { Target } from "../routing/plan.ts";
import { translatedLeg } from "../routing/translated.ts";
import { estimateInputTokens } from "../translate/estimate.ts";
import { announceRequest, type RequestContext, sendDeps } from "./context.ts";
import type { PreparedLeg } from "./leg.ts";
import { passLeg } from "./passthrough.ts";
import { respondJson } from "./respond.ts";
import { sendWithRetries } from "./send.ts";

export async function walk(
  ctx: RequestContext,
  plan: Target[],
  anthropic?: AnthropicRequest,
): Promise<Response> {
  const { deps, ex, req } = ctx;
  let failure: ProxyError = proxyError("internal", "the request had nowhere to go");
  for (const target of plan) {
    noteTarget(ctx, target);
    if (target.leg === "count") return countLocally(ctx, target, anthropic);
    const leg = prepare(ctx, target, anthropic);
    if (isProxyError(leg)) return ctx.fail(leg);
    ex.dropped = leg.dropped;
    announceRequest(ctx, leg.body);
    const result = await sendWithRetries(
      sendDeps(deps),
      leg.request(target.keys[0]),
      { name: target.name, baseUrl: target.baseUrl, host: leg.host },
      req.signal,
    );
    ex.retries += result.retries;
    if (result.ok) return leg.answer(result.sent);
    failure = result.error;
    if (failure.kind === "client_closed") break;
  }
  return ctx.fail(failure);
}

function prepare(
  ctx: RequestContext,
  target: Target,
  anthropic: AnthropicRequest | undefined,
): PreparedLeg | ProxyError {
  if (target.leg === "pass") return passLeg(ctx, target);
  if (anthropic?.kind !== "messages" || !target.match)
    return proxyError("internal", `target ${target.name} needs an Anthropic Messages request`);
  return translatedLeg(ctx, anthropic.request, target.match);
}

/** Routed count_tokens for an OpenAI-format provider: a real tokenizer, no upstream call. */
function countLocally(ctx: RequestContext, target: Target, anthropic: AnthropicRequest | undefined) {
  if (!anthropic) return ctx.fail(proxyError("internal", "count_tokens without a validated request"));
  return respondJson(
    ctx,
    200,
    { input_tokens: estimateInputTokens(anthropic.request) },
    { "x-sluice-provider": target.name },
  );
}

/** The Exchange names the target being tried; the one that answers is the one left recorded. */
function noteTarget(ctx: RequestContext, target: Target): void {
  const { ex } = ctx;
  ex.upstream = target.name;
  if (target.match) {
    ex.routedTo = target.name;
    ex.upstreamModel = target.match.model;
  } else {
    ex.routedTo = undefined;
    ex.upstreamModel = undefined;
  }
}
