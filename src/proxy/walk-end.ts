// How a walk ends when no answer could be relayed as it came: the answers held while moving on,
// the last resort (the upstream's own error, or sluice's), and the x-sluice-fallback mark on
// whatever the client finally gets.
import { type ProxyError, proxyError } from "../errors.ts";
import type { Target } from "../routing/plan.ts";
import type { RequestContext } from "./context.ts";
import type { PreparedLeg } from "./leg.ts";
import type { Sent } from "./send.ts";
import { noteAnswered } from "./server-timing.ts";

/** An upstream answer the walk moved on from, kept unread in case nothing better comes. */
export interface Held {
  target: Target;
  /** Its place in the plan: above 0 it is a fallback. */
  index: number;
  leg: PreparedLeg;
  sent: Sent;
}

/** Frees an answer that will not be relayed (its pooled connection goes back). */
export function drop(h: Held | undefined): void {
  if (!h) return;
  h.sent.release();
  h.sent.response.body?.cancel().catch(() => {});
}

/** The Exchange names the target being tried; the one that answers is the one left recorded. */
export function noteTarget(ctx: RequestContext, target: Target, index: number): void {
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

/** A fallback's answer says so: x-sluice-fallback names the provider that answered. */
export async function marked(ctx: RequestContext, answer: Response | Promise<Response>): Promise<Response> {
  const response = await answer;
  if (ctx.ex.fallback !== undefined) response.headers.set("x-sluice-fallback", ctx.ex.fallback);
  return response;
}

/**
 * Nothing could be relayed as it came. The last upstream answer held is the client's to see (a
 * 429 with the soonest retry-after of every resting key, not just its own key's); with none held,
 * resting keys give sluice's own 429 telling when to come back; else sluice's own error.
 */
export function lastResort(
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
