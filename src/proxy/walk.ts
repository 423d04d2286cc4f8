// The walk: one loop over a request's plan (routing/plan.ts). For each target it prepares the
// leg, picks a key from the target's pool, sends with retries (send.ts) and asks moves.ts what
// the answer means: relay it, try another key at once, or go on to the next target. Nothing is
// moved on once a byte reached the client, since the answer is judged before it is relayed. An
// answer moved on from is held (not read) as the last resort, so when nothing better comes the
// client gets the upstream's own error rather than one of sluice's.
import { isProxyError, type ProxyError, proxyError } from "../errors.ts";
import { moveAfterAnswer, moveAfterError } from "../resilience/moves.ts";
import type { AnthropicRequest } from "../routing/anthropic.ts";
import type { Target } from "../routing/plan.ts";
import { translatedLeg } from "../routing/translated.ts";
import { estimateInputTokens } from "../translate/estimate.ts";
import { announceRequest, type RequestContext, sendDeps } from "./context.ts";
import type { PreparedLeg } from "./leg.ts";
import { passLeg } from "./passthrough.ts";
import { respondJson } from "./respond.ts";
import { type Sent, sendWithRetries } from "./send.ts";
import { noteAnswered, noteFirstSend } from "./server-timing.ts";

interface Held {
  target: Target;
  /** Its place in the plan: above 0 it is a fallback. */
  index: number;
  leg: PreparedLeg;
  sent: Sent;
}

/** Frees an answer that will not be relayed (its pooled connection goes back). */
function drop(h: Held | undefined): void {
  if (!h) return;
  h.sent.release();
  h.sent.response.body?.cancel().catch(() => {});
}

export async function walk(
  ctx: RequestContext,
  plan: Target[],
  anthropic?: AnthropicRequest,
): Promise<Response> {
  const { deps, ex, req } = ctx;
  let failure: ProxyError = proxyError("internal", "the request had nowhere to go");
  let held: Held | undefined;
  /** The soonest a resting key is free again, when a pool had nothing but resting keys. */
  let restingMs: number | undefined;
  let attempts = 0;
  /** The last target a request was sent to, which sluice's own error then names. */
  let tried: { target: Target; index: number } | undefined;

  targets: for (const [index, target] of plan.entries()) {
    noteTarget(ctx, target, index);
    if (target.leg === "count") {
      drop(held);
      return marked(ctx, countLocally(ctx, target, anthropic));
    }
    const leg = prepare(ctx, target, anthropic);
    if (isProxyError(leg)) {
      drop(held);
      return ctx.fail(leg);
    }
    const used = new Set<string>();
    for (;;) {
      const pick = deps.keys.pick(target.name, target.keys, used);
      if (pick.kind === "resting") {
        restingMs = Math.min(restingMs ?? pick.waitMs, pick.waitMs);
        continue targets;
      }
      if (pick.kind === "exhausted") {
        failure = proxyError(
          "upstream_keys_refused",
          `every configured key for ${target.name} was refused (401/403); fix them and reload`,
        );
        continue targets;
      }
      if (pick.kind === "spent") continue targets;
      const key = pick.kind === "key" ? pick.key : undefined;
      if (key !== undefined) used.add(key);
      ex.dropped = leg.dropped;
      announceRequest(ctx, leg.body);
      if (attempts++ > 0) ex.retries++;
      tried = { target, index };
      noteFirstSend(ex);
      const result = await sendWithRetries(
        sendDeps(deps),
        leg.request(key),
        { name: target.name, baseUrl: target.baseUrl, host: leg.host },
        req.signal,
      );
      ex.retries += result.retries;
      if (!result.ok) {
        failure = result.error;
        if (moveAfterError(result.error) === "stop") break targets;
        continue targets;
      }
      const { response } = result.sent;
      const move = moveAfterAnswer(response.status, key !== undefined);
      if (move === "deliver") {
        drop(held);
        noteAnswered(ex, result.sent);
        return marked(ctx, leg.answer(result.sent));
      }
      drop(held);
      held = { target, index, leg, sent: result.sent };
      if (key !== undefined)
        deps.keys.answered(target.name, key, response.status, response.headers.get("retry-after"));
      if (move === "next_target") continue targets;
    }
  }
  if (!held) {
    const last = tried ?? { target: plan[0]!, index: 0 };
    noteTarget(ctx, last.target, last.index);
  }
  return marked(ctx, lastResort(ctx, held, restingMs, failure));
}

/**
 * Nothing could be relayed as it came. The last upstream answer held is the client's to see (a
 * 429 with the soonest retry-after of every resting key, not just its own key's); with none held,
 * resting keys give sluice's own 429 telling when to come back; else sluice's own error.
 */
function lastResort(
  ctx: RequestContext,
  held: Held | undefined,
  restingMs: number | undefined,
  failure: ProxyError,
): Response | Promise<Response> {
  if (ctx.req.signal.aborted) {
    drop(held);
    return ctx.fail(proxyError("client_closed", "client closed the connection"));
  }
  const seconds = restingMs === undefined ? undefined : Math.max(1, Math.ceil(restingMs / 1000));
  if (held) {
    noteTarget(ctx, held.target, held.index);
    ctx.ex.dropped = held.leg.dropped;
    const sent =
      seconds !== undefined && held.sent.response.status === 429
        ? withRetryAfter(held.sent, seconds)
        : held.sent;
    noteAnswered(ctx.ex, sent);
    return held.leg.answer(sent);
  }
  if (seconds !== undefined) {
    return ctx.fail({
      ...proxyError(
        "upstream_rate_limited",
        `every configured upstream key is rate limited; the first is free again in ${seconds} s`,
      ),
      retryAfterSec: seconds,
    });
  }
  return ctx.fail(failure);
}

/** The same answer with another retry-after (fetch's own headers cannot be changed). */
function withRetryAfter(sent: Sent, seconds: number): Sent {
  const { response } = sent;
  const headers = new Headers(response.headers);
  headers.set("retry-after", String(seconds));
  const rewrapped = new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
  return { ...sent, response: rewrapped };
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

/** A fallback's answer says so: x-sluice-fallback names the provider that answered. */
async function marked(ctx: RequestContext, answer: Response | Promise<Response>): Promise<Response> {
  const response = await answer;
  if (ctx.ex.fallback !== undefined) response.headers.set("x-sluice-fallback", ctx.ex.fallback);
  return response;
}

/** The Exchange names the target being tried; the one that answers is the one left recorded. */
function noteTarget(ctx: RequestContext, target: Target, index: number): void {
  const { ex } = ctx;
  ex.upstream = target.name;
  ex.fallback = index > 0 ? target.name : undefined;
  if (target.match) {
    ex.routedTo = target.name;
    ex.upstreamModel = target.match.model;
  } else {
    ex.routedTo = undefined;
    ex.upstreamModel = undefined;
  }
}
