// The operator's routes: GET /dashboard, /metrics (JSON), /metrics/stream (SSE, about every
// second) and /metrics/prometheus. Mounted without a key on the admin listener and, behind the
// admin key, on the main port. Promises: streams stop as soon as the client leaves, nothing
// here ever shows request or response content, and on the main port wrong keys count against
// the client's address (login-limit.ts) while the admin listener counts nothing.
import { Elysia, sse } from "elysia";
import type { LedgerStore } from "../ledger/store.ts";
import type { Logger } from "../log.ts";
import type { Metrics } from "../metrics/hub.ts";
import { type AdminAuth, denied, tooManyGuesses } from "./auth.ts";
import type { DashboardConfig } from "./dashboard-client.ts";
import { DEFAULT_DASHBOARD_CONFIG, dashboardPage, pageHeaders } from "./dashboard-page.ts";
import { loginRoutes } from "./login.ts";
import { clientAddress, createLoginLimit, type LoginLimit } from "./login-limit.ts";
import { usageResponse } from "./usage-route.ts";

export interface AdminDeps {
  metrics: Metrics;
  /** Alert thresholds of the dashboard page. */
  dashboard?: DashboardConfig;
  /** Time between two stream events. Default 1000 ms. */
  streamIntervalMs?: number;
  /** Where a lockout of a guessing address is logged (once per lockout). */
  log?: Logger;
  /** The usage ledger behind GET /metrics/usage (absent when it is off). */
  ledger?: LedgerStore;
}

export interface Admin {
  /** The routes; with `auth`, every route needs the admin key and the login form is added. */
  routes(auth?: AdminAuth): Elysia;
  /** Open /metrics/stream connections, over every listener. */
  openStreams(): number;
}

/** Recent requests in a JSON snapshot unless ?recent= says otherwise; a stream event carries fewer. */
const JSON_RECENT = 100;
const STREAM_RECENT = 50;

const noStore = { "cache-control": "no-store", "x-content-type-options": "nosniff" };

/** ?recent=N, clamped to 0..max; absent or unreadable means the default. */
export function recentParam(url: string, fallback: number, max: number): number {
  const q = url.indexOf("?");
  if (q < 0) return fallback;
  const raw = new URLSearchParams(url.slice(q + 1)).get("recent");
  if (raw === null || raw.trim() === "") return fallback;
  const n = Number(raw);
  return Number.isInteger(n) ? Math.min(Math.max(n, 0), max) : fallback;
}

interface GuardContext {
  request: Request;
  server: { requestIP(req: Request): { address: string } | null } | null;
}

/**
 * The main port's check before every admin route: a key header from an address over its limit
 * gets 429 before the key is looked at; otherwise the key or a session cookie lets it in, and a
 * wrong key header counts against the address. A cookie alone is never counted: it is not the
 * key, and after a restart every browser sends a stale one.
 */
function keyGuard(auth: AdminAuth, limit: LoginLimit) {
  return ({ request, server }: GuardContext) => {
    const address = clientAddress(server, request);
    const guess = auth.presentsKey(request);
    if (guess) {
      const wait = limit.check(address);
      if (wait > 0) return tooManyGuesses(wait);
    }
    if (auth.allowed(request)) return undefined;
    if (guess) limit.fail(address);
    return denied(request);
  };
}

/** Resolves after `ms`, or at once when the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

export function createAdmin(deps: AdminDeps): Admin {
  const cfg = deps.dashboard ?? DEFAULT_DASHBOARD_CONFIG;
  const plainPage = dashboardPage(cfg);
  const logoutPage = dashboardPage(cfg, { logout: true });
  const interval = deps.streamIntervalMs ?? 1000;
  const maxRecent = deps.metrics.recorder.snapshot({ recent: 0 }).limits.recentCapacity;
  let open = 0;
  deps.metrics.counters.register({
    name: "dashboard_streams_open",
    help: "Open /metrics/stream connections (dashboards watching).",
    type: "gauge",
    read: () => open,
  });
  const limit = createLoginLimit({
    onLock: (address, forMs) =>
      deps.log?.warn("admin key guessed wrong too often: address locked out", {
        address,
        seconds: Math.ceil(forMs / 1000),
      }),
  });
  deps.metrics.counters.register({
    name: "admin_logins_refused_total",
    help: "Admin key attempts refused on the main port because their address guessed wrong too often.",
    type: "counter",
    read: () => limit.refused(),
  });

  async function* stream(request: Request) {
    const recent = recentParam(request.url, STREAM_RECENT, maxRecent);
    open++;
    try {
      // retry: how long a browser waits before it reconnects by itself.
      yield sse({ event: "snapshot", retry: 2000, data: deps.metrics.view(recent) });
      while (!request.signal.aborted) {
        await pause(interval, request.signal);
        if (request.signal.aborted) return;
        yield sse({ event: "snapshot", data: deps.metrics.view(recent) });
      }
    } finally {
      open--;
    }
  }

  function routes(auth?: AdminAuth): Elysia {
    const guard = auth ? { beforeHandle: keyGuard(auth, limit) } : {};
    const page = auth ? logoutPage : plainPage;
    const app = new Elysia()
      .get("/dashboard", () => new Response(page.html, { headers: pageHeaders(page) }), guard)
      .get(
        "/metrics",
        ({ request }) =>
          Response.json(deps.metrics.view(recentParam(request.url, JSON_RECENT, maxRecent)), {
            headers: noStore,
          }),
        guard,
      )
      .get("/metrics/usage", ({ request }) => usageResponse(request.url, deps.ledger), guard)
      .get(
        "/metrics/stream",
        ({ request, server }) => {
          // The main port cuts silent clients; a dashboard only listens, for as long as it likes.
          server?.timeout(request, 0);
          return stream(request);
        },
        guard,
      )
      .get(
        "/metrics/prometheus",
        () =>
          new Response(deps.metrics.prometheus(), {
            headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", ...noStore },
          }),
        guard,
      );
    if (auth) return app.use(loginRoutes(auth, limit)) as unknown as Elysia;
    // The admin listener's root is the dashboard (on the main port "/" is a proxied path).
    return app.get(
      "/",
      () => new Response(null, { status: 302, headers: { location: "/dashboard" } }),
    ) as unknown as Elysia;
  }

  return { routes, openStreams: () => open };
}
