// Per-request state shared by the steps of the proxy pipeline: the Exchange being recorded,
// the body read once (and parsed at most once), and the two ways a request ends — fail()
// with a sluice-made error, or finish() after a response was relayed.
import type { LoginLimit } from "../admin/login-limit.ts";
import type { Config } from "../config/types.ts";
import { type ProxyError, renderError } from "../errors.ts";
import type { Gateway } from "../gateway/gateway.ts";
import type { Pricing } from "../metrics/pricing.ts";
import type { Breakers } from "../resilience/breakers.ts";
import type { KeyPools } from "../resilience/pools.ts";
import type { Router } from "../routing/providers.ts";
import type { Restorer } from "../scrub/scrub.ts";
import type { KeyGate } from "./auth.ts";
import type { Exchange } from "./exchange.ts";
import { clientRequestId } from "./headers.ts";
import type { FetchFn } from "./http-client.ts";
import { type ErrorSink, type ExchangeObserver, guarded } from "./observe.ts";
import type { Reachability } from "./reachability.ts";
import type { RouteDecision } from "./route.ts";
import type { ScrubStep } from "./scrub-step.ts";
import type { SendDeps } from "./send.ts";
import { serverTiming } from "./server-timing.ts";

export interface ProxyDeps {
  config: Config;
  fetch: FetchFn;
  gate: KeyGate;
  /** Wrong internal keys per client address: the gate's brute-force limit (gate-step.ts). */
  gateLimit: LoginLimit;
  reach: Reachability;
  /** Health of sluice's own upstream keys (rests after 429, out after 401/403). */
  keys: KeyPools;
  /** Each target's circuit breaker. */
  breakers: Breakers;
  pricing: Pricing;
  /** Secret scrubbing, when SLUICE_SCRUB is not off. */
  scrub?: ScrubStep;
  /** Budgets, rate limits and model allow-lists of [[keys]] entries. */
  gateway?: Gateway;
  /** The [[routes]] table: which provider answers which Anthropic model. */
  router: Router;
  /** This process's Via token: "1.1 sluice-<random>". */
  via: string;
  random: () => number;
  observers: ExchangeObserver[];
  onObserverError: ErrorSink;
  /** Called once per exchange, after the observers (request log, in-flight count). */
  onEnd: (ex: Exchange) => void;
}

export interface RequestContext {
  req: Request;
  ex: Exchange;
  route: RouteDecision;
  path: string;
  query: string;
  deps: ProxyDeps;
  /** The body as it will be forwarded (steps may replace it). */
  body: Uint8Array;
  /** null: the body was decompressed, send it without content-encoding. */
  contentEncoding?: string | null;
  /** The gate let the request in by x-sluice-key: its own credential headers may go upstream. */
  ownCredentials?: boolean;
  /** Set when the request had secrets replaced by pseudonyms that the answer must get back. */
  restorer?: Restorer;
  /** The body parsed as JSON, memoised; undefined when it is not JSON. */
  json(): unknown;
  /** Replace the forwarded body (and forget the memoised parse). */
  setBody(body: Uint8Array, parsed?: unknown): void;
  finish(): void;
  fail(err: ProxyError): Response;
}

const NOT_PARSED = Symbol("not parsed");

export function createContext(
  req: Request,
  ex: Exchange,
  route: RouteDecision,
  url: { path: string; query: string },
  deps: ProxyDeps,
): RequestContext {
  let parsed: unknown = NOT_PARSED;
  let ended = false;
  const ctx: RequestContext = {
    req,
    ex,
    route,
    path: url.path,
    query: url.query,
    deps,
    body: new Uint8Array(0),
    json() {
      if (parsed === NOT_PARSED) {
        try {
          parsed = ctx.body.byteLength === 0 ? undefined : JSON.parse(new TextDecoder().decode(ctx.body));
        } catch {
          parsed = undefined;
        }
      }
      return parsed;
    },
    setBody(body, json) {
      ctx.body = body;
      parsed = json === undefined ? NOT_PARSED : json;
    },
    finish() {
      if (ended) return;
      ended = true;
      ex.durationMs = performance.now() - ex.t0;
      for (const o of deps.observers) guarded("observer.onEnd", deps.onObserverError, () => o.onEnd?.(ex));
      deps.onEnd(ex);
    },
    fail(err) {
      ex.status = err.status;
      ex.outcome = err.kind === "client_closed" ? "client_closed" : "error";
      ex.error = err.message;
      ex.errorKind = err.kind;
      ex.ttfbMs ??= performance.now() - ex.t0;
      // Before finish(): the request log carries the same timings as the header.
      const timing = serverTiming(ex);
      ctx.finish();
      // A client cut off mid-upload must not keep the connection: close it after the answer.
      const close = err.kind === "request_timeout" || err.kind === "payload_too_large";
      const clientId = clientRequestId(req.headers);
      return renderError(route.api, err, {
        "x-sluice-request-id": ex.id,
        "server-timing": timing,
        ...(clientId !== undefined ? { "x-request-id": clientId } : {}),
        ...(close ? { connection: "close" } : {}),
      });
    },
  };
  return ctx;
}

/** What sendWithRetries needs, from the proxy's deps (the config is read per request: reloads apply). */
export function sendDeps(deps: ProxyDeps, overrides: Partial<SendDeps> = {}): SendDeps {
  return {
    fetch: deps.fetch,
    reach: deps.reach,
    random: deps.random,
    retryMax: deps.config.retryMax,
    readTimeoutMs: deps.config.readTimeoutMs,
    ...overrides,
  };
}

/**
 * Shows the observers the body as it goes upstream (after scrubbing and translation); called again
 * when a fallback gets a body of its own, so the last one seen is the one that was answered.
 */
export function announceRequest(ctx: RequestContext, body: Uint8Array = ctx.body): void {
  const { deps, ex } = ctx;
  for (const o of deps.observers)
    guarded("observer.onRequest", deps.onObserverError, () => o.onRequest?.(ex, body, ctx.json));
}
