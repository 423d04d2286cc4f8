// createApp(deps): the Elysia instances sluice serves, with no side effects at import.
// The main app answers /health and proxies everything else; the admin app serves the
// operator's routes (dashboard and metrics arrive there) on the plain-HTTP admin listener.
import { Elysia } from "elysia";
import { health } from "./admin/health.ts";
import type { Config } from "./config/types.ts";
import type { Logger } from "./log.ts";
import { createPricing } from "./metrics/pricing.ts";
import { createKeyGate } from "./proxy/auth.ts";
import type { Exchange } from "./proxy/exchange.ts";
import { forward, type ProxyDeps } from "./proxy/forward.ts";
import type { FetchFn } from "./proxy/http-client.ts";
import type { ExchangeObserver } from "./proxy/observe.ts";
import { createReachability, type Reachability } from "./proxy/reachability.ts";
import { logExchange } from "./proxy/request-log.ts";

export interface AppDeps {
  config: Config;
  log: Logger;
  fetch?: FetchFn;
  random?: () => number;
  reach?: Reachability;
  /** Observers of exchanges (metrics, telemetry). */
  observers?: ExchangeObserver[];
  /** Called for every finished exchange (tests collect them). */
  onEnd?: (ex: Exchange) => void;
}

export interface SluiceApp {
  main: Elysia;
  admin: Elysia;
  /** Requests whose response has not finished yet. */
  inFlight(): number;
  /** Marks the app as draining: /health answers 503 so load balancers move away. */
  drain(): void;
}

export function createApp(deps: AppDeps): SluiceApp {
  const startedAt = Date.now();
  let inFlight = 0;
  let draining = false;
  const reach = deps.reach ?? createReachability({ connectTimeoutMs: deps.config.connectTimeoutMs });
  const proxyDeps: ProxyDeps = {
    config: deps.config,
    fetch: deps.fetch ?? (fetch as FetchFn),
    gate: createKeyGate(deps.config.apiKeys),
    reach,
    via: `1.1 sluice-${crypto.randomUUID().slice(0, 8)}`,
    random: deps.random ?? Math.random,
    pricing: createPricing(pricingOverrides(deps.config)),
    observers: deps.observers ?? [],
    onObserverError: (where, err) =>
      deps.log.warn("observer failed", { where, error: err instanceof Error ? err.message : String(err) }),
    onEnd: (ex) => {
      inFlight--;
      logExchange(deps.log, ex, deps.config.slowRequestMs);
      deps.onEnd?.(ex);
    },
  };
  const healthDeps = { config: deps.config, reach, startedAt, draining: () => draining };

  const main = new Elysia({ name: "sluice-main" })
    .get("/health", () => health(healthDeps))
    .all(
      "/*",
      ({ request, server }) => {
        inFlight++;
        return forward(request, server, proxyDeps);
      },
      { parse: "none" },
    );

  const admin = new Elysia({ name: "sluice-admin" })
    .get("/health", () => health(healthDeps))
    .all("/*", () => Response.json({ error: { message: "not found" } }, { status: 404 }));

  return {
    main: main as unknown as Elysia,
    admin: admin as unknown as Elysia,
    inFlight: () => inFlight,
    drain: () => {
      draining = true;
    },
  };
}

/** [pricing."model"] tables from the config file, in the pricing module's terms. */
function pricingOverrides(config: Config) {
  return Object.fromEntries(
    Object.entries(config.pricing).map(([model, p]) => [
      model,
      {
        ...(p.input !== undefined ? { input: p.input } : {}),
        ...(p.output !== undefined ? { output: p.output } : {}),
        ...(p.cache_write !== undefined ? { cacheWrite: p.cache_write } : {}),
        ...(p.cache_read !== undefined ? { cacheRead: p.cache_read } : {}),
      },
    ]),
  );
}
