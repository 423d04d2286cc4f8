// A request's plan: the ordered targets it may be sent to, first the one its route names, then
// its fallbacks. Pure: built from the configured upstreams and the [[routes]] match alone; what
// happens on the wire (keys, retries, breakers, moving on) is the walk's business (proxy/walk.ts).
import type { RouteApi } from "../config/tables.ts";
import type { UpstreamConfig, UpstreamName } from "../config/types.ts";
import type { RouteMatch } from "./providers.ts";

/**
 * How a target is spoken to:
 * - "pass": the client's request as it is (path, query, headers), to an upstream speaking the
 *   client's own format; for a routed provider the model name is rewritten (an Anthropic request
 *   to an Anthropic-format provider, a Chat Completions request to an OpenAI-format one).
 * - "translate": an Anthropic request turned into Chat Completions for an OpenAI-format provider.
 * - "count": count_tokens for an OpenAI-format provider, answered locally with a tokenizer.
 */
export type Leg = "pass" | "translate" | "count";

export interface Target {
  /** Upstream or provider name: metrics label, key pool, breaker and x-sluice-fallback value. */
  name: string;
  leg: Leg;
  /** The API whose header style carries sluice's key on a pass leg. */
  api: UpstreamName;
  baseUrl: string;
  /** sluice's own keys for this target; empty means none (a pass leg then keeps the client's). */
  keys: string[];
  /** The route entry that chose this target (provider, model, caps); absent for plain passthrough. */
  match?: RouteMatch;
  /**
   * Not the client's own upstream: the client's credentials never go here, even when the target
   * has no key of its own (a Chat Completions request moved to another OpenAI-format provider).
   */
  foreign?: true;
}

export interface PlanInput {
  /** The upstream the request goes to when no route takes it. */
  upstream: UpstreamConfig;
  /** The [[routes]] entry matching an Anthropic request's model, if any. */
  match?: RouteMatch;
  /** The request is count_tokens (a routed OpenAI-format target counts locally). */
  counting: boolean;
  /** The client's API; an OpenAI (Chat Completions) request is relayed to every target as it is. */
  clientApi?: RouteApi;
}

/** The route's own target first, then its fallbacks in their order. */
export function buildPlan(input: PlanInput): Target[] {
  const { match, counting } = input;
  if (!match) return [passTarget(input.upstream)];
  return [match, ...(match.fallback ?? [])].map((m) =>
    input.clientApi === "openai" ? chatTarget(m, input.upstream) : routedTarget(m, counting),
  );
}

export function passTarget(u: UpstreamConfig): Target {
  return { name: u.name, leg: "pass", api: u.api, baseUrl: u.baseUrl, keys: u.apiKeys };
}

/** A target of an OpenAI client's route (config loading allows only OpenAI-format ones): relayed. */
function chatTarget(match: RouteMatch, upstream: UpstreamConfig): Target {
  const p = match.provider;
  const t: Target = { name: p.name, leg: "pass", api: "openai", baseUrl: p.baseUrl, keys: p.apiKeys, match };
  return p.name === upstream.name ? t : { ...t, foreign: true };
}

export function routedTarget(match: RouteMatch, counting: boolean): Target {
  const p = match.provider;
  const leg = p.format === "anthropic" ? "pass" : counting ? "count" : "translate";
  const api = p.format === "anthropic" ? "anthropic" : "openai";
  return { name: p.name, leg, api, baseUrl: p.baseUrl, keys: p.apiKeys, match };
}
