// createApp(deps): the Elysia instances sluice serves, with no side effects at import.
// The main app answers /health and proxies everything else; the admin app serves the
// operator's routes (dashboard and metrics) on the plain-HTTP admin listener, and on the main
// port too, behind the admin key, when SLUICE_ADMIN_KEY is set.
import { Elysia } from "elysia";
import { createAdminAuth } from "./admin/auth.ts";
import { health } from "./admin/health.ts";
import { allowedHosts, hostAllowed, misdirected } from "./admin/host-check.ts";
import { createAdmin } from "./admin/metrics-routes.ts";
import type { Config } from "./config/types.ts";
import { createGateway, type Gateway } from "./gateway/gateway.ts";
import { createLocalLimiter } from "./gateway/limiter-local.ts";
import { createRedisLimiter } from "./gateway/limiter-redis.ts";
import { gatewaySection } from "./gateway/metrics.ts";
import { createLedger, type Ledger, openStore } from "./ledger/ledger.ts";
import type { Logger } from "./log.ts";
import { createMetrics, type Metrics } from "./metrics/hub.ts";
import { createPricing, type Pricing } from "./metrics/pricing.ts";
import { createKeyGate, type GateKey } from "./proxy/auth.ts";
import type { Exchange } from "./proxy/exchange.ts";
import { forward, type ProxyDeps } from "./proxy/forward.ts";
import { createGateLimit } from "./proxy/gate-step.ts";
import type { FetchFn } from "./proxy/http-client.ts";
import type { ExchangeObserver } from "./proxy/observe.ts";
import { createReachability, type Reachability } from "./proxy/reachability.ts";
import { logExchange } from "./proxy/request-log.ts";
import { createScrubStep } from "./proxy/scrub-step.ts";
import { createBreakers } from "./resilience/breakers.ts";
import { createKeyPools } from "./resilience/pools.ts";
import { targetViews } from "./resilience/view.ts";
import { createRouter } from "./routing/providers.ts";
import { createTelemetry, type Telemetry } from "./telemetry/langfuse.ts";
import { otelMetrics, telemetryMetrics } from "./telemetry/metrics.ts";
import { createOtel, type Otel } from "./telemetry/otel.ts";
import { tokenizer } from "./translate/estimate.ts";

export interface AppDeps {
  config: Config;
  log: Logger;
  fetch?: FetchFn;
  random?: () => number;
  reach?: Reachability;
  /** Observers of exchanges (metrics, telemetry). */
  observers?: ExchangeObserver[];
  /** The metrics recorder and counters; created here unless given (tests, benchmarks). */
  metrics?: Metrics;
  /** Langfuse traces; created here from config.langfuse unless given (tests). */
  telemetry?: Telemetry;
  /** OpenTelemetry spans; created here from config.otel unless given (tests). */
  otel?: Otel;
  /** Called for every finished exchange (tests collect them). */
  onEnd?: (ex: Exchange) => void;
  /** Ledger writer options (tests use short intervals). */
  ledgerWriter?: { intervalMs?: number; maxBuffered?: number; opTimeoutMs?: number };
  /** Re-read interval of a shared ledger's spend (tests use short ones). */
  fleetRefreshMs?: number;
}

export interface SluiceApp {
  main: Elysia;
  admin: Elysia;
  /** What GET /metrics shows; features register their own counters on metrics.counters. */
  metrics: Metrics;
  /** Langfuse traces: flushed on shutdown; stats() also appear on /metrics when Langfuse is on. */
  telemetry: Telemetry;
  /** OpenTelemetry spans: flushed on shutdown; stats() on /metrics when an endpoint is set. */
  otel: Otel;
  /** Budgets, limits and spend per key. */
  gateway: Gateway;
  /** The usage ledger; undefined with SLUICE_DATABASE_URL=off. */
  ledger?: Ledger;
  /**
   * Waits (at most `timeoutMs`) for the ledger to answer, so budgets start from what was
   * spent before a restart; false when it did not answer in time (sluice serves anyway).
   */
  ready(timeoutMs: number): Promise<boolean>;
  /** Writes what the ledger still holds (within the deadline) and lets go of Redis. */
  close(deadlineMs: number): Promise<void>;
  /** Requests whose response has not finished yet. */
  inFlight(): number;
  /** Marks the app as draining: /health answers 503 so load balancers move away. */
  drain(): void;
  /**
   * Applies a new configuration to the running app (SIGHUP): keys, upstreams, routes,
   * prices, limits, timeouts and scrubbing take effect for the next request; in-flight
   * requests finish as they started. Listener settings need a restart and are listed.
   */
  reload(config: Config): { restartNeeded: string[] };
}

/** Settings bound to the listeners or to objects created once at start. */
const RESTART_ONLY = [
  "host",
  "port",
  "tls",
  "tlsCert",
  "tlsKey",
  "dashboardHost",
  "dashboardPort",
  "dashboardAllowedHosts",
  "adminKey",
  "clientTimeoutSec",
  "logLevel",
  "logFormat",
  "langfuse",
  "otel",
  "ledger",
  "redisUrl",
  "ledgerRetentionDays",
] as const;

/** Every key the gate accepts: SLUICE_API_KEYS by value, [[keys]] by digest. */
const gateKeys = (c: Config): GateKey[] => [
  ...c.apiKeys,
  ...c.keys.map((k) => ({ name: k.name, sha256: k.sha256 })),
];

export function createApp(deps: AppDeps): SluiceApp {
  const startedAt = Date.now();
  let inFlight = 0;
  let draining = false;
  const reach = deps.reach ?? createReachability({ connectTimeoutMs: deps.config.connectTimeoutMs });
  const metrics = deps.metrics ?? createMetrics();
  // One live view of the price table for the proxy and Langfuse alike; a reload swaps the table.
  let prices = createPricing(pricingOverrides(deps.config));
  const pricing: Pricing = {
    lookup: (model) => prices.lookup(model),
    costFor: (model, usage) => prices.costFor(model, usage),
  };
  // A no-op without Langfuse keys; when on, its queue numbers join /metrics.
  const telemetry = deps.telemetry ?? createTelemetry(deps.config, deps.log, { pricing });
  if (telemetry.observer) for (const m of telemetryMetrics(telemetry)) metrics.counters.register(m);
  // Upstream URLs are read per span from the live configuration (a reload may change them).
  const otel = deps.otel ?? createOtel(deps.config, deps.log, { config: () => proxyDeps.config });
  if (otel.observer) for (const m of otelMetrics(otel)) metrics.counters.register(m);
  const gateway = createGateway({
    keys: deps.config.keys,
    limiter: deps.config.redisUrl ? createRedisLimiter(deps.config.redisUrl, deps.log) : createLocalLimiter(),
  });
  const ledger =
    deps.config.ledger.kind === "off"
      ? undefined
      : createLedger(openStore(deps.config.ledger), {
          retentionDays: deps.config.ledgerRetentionDays,
          spend: gateway.spend,
          log: deps.log,
          ...(deps.ledgerWriter ? { writer: deps.ledgerWriter } : {}),
          ...(deps.fleetRefreshMs ? { refreshMs: deps.fleetRefreshMs } : {}),
        });
  metrics.counters.registerSection(gatewaySection(gateway, () => ledger?.writer, ledger?.daily));
  const proxyDeps: ProxyDeps = {
    config: deps.config,
    fetch: deps.fetch ?? (fetch as FetchFn),
    gate: createKeyGate(gateKeys(deps.config)),
    gateLimit: createGateLimit(deps.log),
    gateway,
    reach,
    keys: createKeyPools({ log: deps.log }),
    breakers: createBreakers({
      log: deps.log,
      policy: () => proxyDeps.config.breaker,
      onOpen: (target) => metrics.counters.breakerOpens.add(target, 1),
    }),
    via: `1.1 sluice-${crypto.randomUUID().slice(0, 8)}`,
    random: deps.random ?? Math.random,
    pricing,
    router: createRouter(deps.config),
    scrub: createScrubStep(deps.config, deps.log),
    observers: [
      metrics.observer,
      ...(deps.observers ?? []),
      ...(telemetry.observer ? [telemetry.observer] : []),
      ...(otel.observer ? [otel.observer] : []),
      gateway.observer,
      ...(ledger ? [ledger.observer] : []),
    ],
    onObserverError: (where, err) =>
      deps.log.warn("observer failed", { where, error: err instanceof Error ? err.message : String(err) }),
    onEnd: (ex) => {
      inFlight--;
      logExchange(deps.log, ex, slowMs);
      deps.onEnd?.(ex);
    },
  };
  metrics.showTargets(() => targetViews(proxyDeps));
  metrics.counters.register({
    name: "api_keys_refused_total",
    help: "Requests refused by the key gate, their key unchecked, because their address sent too many wrong keys.",
    type: "counter",
    read: () => proxyDeps.gateLimit.refused(),
  });
  const healthDeps = {
    config: deps.config,
    reach,
    startedAt,
    draining: () => draining,
    targets: () => targetViews(proxyDeps),
  };
  // Routed count_tokens needs the tokenizer; load it after start-up instead of on a request.
  if (deps.config.routes.length > 0) setTimeout(() => tokenizer(), 0).unref();
  let slowMs = deps.config.slowRequestMs;
  const operator = createAdmin({ metrics, log: deps.log, ...(ledger ? { ledger: ledger.store } : {}) });
  // Without an admin key these paths are ordinary proxied paths on the main port.
  const mainAdmin = deps.config.adminKey
    ? operator.routes(createAdminAuth({ key: deps.config.adminKey, secure: deps.config.tls }))
    : new Elysia();

  const main = new Elysia({ name: "sluice-main" })
    .get("/health", () => health(healthDeps))
    .use(mainAdmin)
    .all(
      "/*",
      ({ request, server }) => {
        inFlight++;
        return forward(request, server, proxyDeps);
      },
      { parse: "none" },
    );

  const hosts = allowedHosts(deps.config.dashboardHost, deps.config.dashboardAllowedHosts);
  const admin = new Elysia({ name: "sluice-admin" })
    .onRequest(({ request }) => {
      const host = request.headers.get("host");
      return hostAllowed(host, hosts) ? undefined : misdirected(host ?? "");
    })
    .get("/health", () => health(healthDeps))
    .use(operator.routes())
    .all("/*", () => Response.json({ error: { message: "not found" } }, { status: 404 }));

  return {
    main: main as unknown as Elysia,
    admin: admin as unknown as Elysia,
    metrics,
    telemetry,
    otel,
    gateway,
    ...(ledger ? { ledger } : {}),
    ready: async (timeoutMs) => (ledger ? ledger.ready(timeoutMs) : true),
    async close(deadlineMs) {
      await ledger?.close(deadlineMs);
      gateway.close();
    },
    inFlight: () => inFlight,
    drain: () => {
      draining = true;
    },
    reload(config) {
      const before = proxyDeps.config;
      const restartNeeded = RESTART_ONLY.filter(
        (k) => JSON.stringify(before[k]) !== JSON.stringify(config[k]),
      );
      proxyDeps.config = config;
      proxyDeps.gate = createKeyGate(gateKeys(config));
      gateway.reload(config.keys);
      proxyDeps.router = createRouter(config);
      // Keys may have been fixed or replaced: every key starts healthy again.
      proxyDeps.keys.reset();
      prices = createPricing(pricingOverrides(config));
      if (JSON.stringify(before.scrub) !== JSON.stringify(config.scrub))
        proxyDeps.scrub = createScrubStep(config, deps.log);
      healthDeps.config = config;
      slowMs = config.slowRequestMs;
      return { restartNeeded };
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
        ...(p.cache_write_1h !== undefined ? { cacheWrite1h: p.cache_write_1h } : {}),
        ...(p.cache_read !== undefined ? { cacheRead: p.cache_read } : {}),
      },
    ]),
  );
}
