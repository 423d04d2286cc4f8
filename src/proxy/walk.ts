// The walk: one loop over a request's plan (routing/plan.ts). For each target it asks the
// breaker whether to go there, prepares the leg, picks a key from the target's pool, sends with
// retries (send.ts) and asks moves.ts what the answer means: relay it, try another key at once,
// or go on to the next target. Nothing is moved on once a byte reached the client, since the
// answer is judged before it is relayed. Every decision is a pure function in src/resilience;
// this file sequences them and keeps the Exchange's bookkeeping.
import { isProxyError, type ProxyError, proxyError } from "../errors.ts";
import { isTargetFailure, moveAfterAnswer, moveAfterError } from "../resilience/moves.ts";
import type { AnthropicRequest } from "../routing/anthropic.ts";
import type { Target } from "../routing/plan.ts";
import { translatedLeg } from "../routing/translated.ts";
import { estimateInputTokens } from "../translate/estimate.ts";
import { announceRequest, type RequestContext, sendDeps } from "./context.ts";
import type { PreparedLeg } from "./leg.ts";
import { passLeg } from "./passthrough.ts";
import { respondJson } from "./respond.ts";
import { sendWithRetries } from "./send.ts";
import { noteAnswered, noteFirstSend } from "./server-timing.ts";
import { drop, type Held, lastResort, marked, noteTarget } from "./walk-end.ts";

/** What the walk learned so far, for its last resort. */
interface Walk {
  failure: ProxyError;
  held?: Held;
  /** The soonest a resting key is free again, when a pool had nothing but resting keys. */
  restingMs?: number;
  attempts: number;
  /** The last target a request was sent to, which sluice's own error then names. */
  tried?: { target: Target; index: number };
}

/** A visit to one target ends with an answer for the client, or moves on (or stops). */
type Visit = { answer: Promise<Response> } | { next: true } | { stop: true };

export async function walk(
  ctx: RequestContext,
  plan: Target[],
  anthropic?: AnthropicRequest,
): Promise<Response> {
  const { deps } = ctx;
  const w: Walk = { failure: proxyError("internal", "the request had nowhere to go"), attempts: 0 };
  for (const [index, target] of plan.entries()) {
    if (target.leg === "count") {
      noteTarget(ctx, target, index);
      drop(w.held);
      return marked(ctx, countLocally(ctx, target, anthropic));
    }
    const how = deps.breakers.peek(target.name);
    if (how === "skip" && hasAlternative(ctx, plan, index)) continue;
    noteTarget(ctx, target, index);
    const leg = prepare(ctx, target, anthropic);
    if (isProxyError(leg)) {
      drop(w.held);
      return ctx.fail(leg);
    }
    deps.breakers.admit(target.name, how);
    const visit = await visitTarget(ctx, w, target, index, leg);
    if (how === "probe") deps.breakers.abandon(target.name);
    if ("answer" in visit) return visit.answer;
    if ("stop" in visit) break;
  }
  if (!w.held) {
    const last = w.tried ?? { target: plan[0]!, index: 0 };
    noteTarget(ctx, last.target, last.index);
  }
  return marked(ctx, lastResort(ctx, w.held, w.restingMs, w.failure));
}

/** Tries one target with each usable key of its pool in turn, until one answer says what to do. */
async function visitTarget(
  ctx: RequestContext,
  w: Walk,
  target: Target,
  index: number,
  leg: PreparedLeg,
): Promise<Visit> {
  const { deps, ex, req } = ctx;
  const used = new Set<string>();
  for (;;) {
    const pick = deps.keys.pick(target.name, target.keys, used);
    if (pick.kind === "resting") {
      w.restingMs = Math.min(w.restingMs ?? pick.waitMs, pick.waitMs);
      return { next: true };
    }
    if (pick.kind === "exhausted") {
      w.failure = proxyError(
        "upstream_keys_refused",
        `every configured key for ${target.name} was refused (401/403); fix them and reload`,
      );
      return { next: true };
    }
    if (pick.kind === "spent") return { next: true };
    const key = pick.kind === "key" ? pick.key : undefined;
    if (key !== undefined) used.add(key);
    ex.dropped = leg.dropped;
    announceRequest(ctx, leg.body);
    if (w.attempts++ > 0) ex.retries++;
    w.tried = { target, index };
    noteFirstSend(ex);
    const result = await sendWithRetries(
      sendDeps(deps),
      leg.request(key),
      { name: target.name, baseUrl: target.baseUrl, host: leg.host },
      req.signal,
    );
    ex.retries += result.retries;
    if (!result.ok) {
      w.failure = result.error;
      if (moveAfterError(result.error) === "stop") return { stop: true };
      deps.breakers.record(target.name, isTargetFailure(result.error));
      return { next: true };
    }
    const { response } = result.sent;
    deps.breakers.record(target.name, isTargetFailure(response));
    const move = moveAfterAnswer(response.status, key !== undefined);
    drop(w.held);
    if (move === "deliver") {
      w.held = undefined;
      noteAnswered(ex, result.sent);
      return { answer: marked(ctx, leg.answer(result.sent)) };
    }
    w.held = { target, index, leg, sent: result.sent };
    if (key !== undefined)
      deps.keys.answered(target.name, key, response.status, response.headers.get("retry-after"));
    if (move === "next_target") return { next: true };
  }
}

/** Whether a later target could take the call (an open breaker is skipped only then). */
function hasAlternative(ctx: RequestContext, plan: Target[], index: number): boolean {
  return plan.slice(index + 1).some((t) => t.leg === "count" || ctx.deps.breakers.peek(t.name) !== "skip");
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
