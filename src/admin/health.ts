// GET /health: liveness plus what sluice knows about each upstream and each target (key pools).
// Needs no key and shows no traffic details, so load balancers and `sluice check` can call it.
import { withoutCredentials } from "../config/credentials.ts";
import type { Config } from "../config/types.ts";
import { newRequestId } from "../proxy/exchange.ts";
import type { Reachability } from "../proxy/reachability.ts";
import type { TargetView } from "../resilience/view.ts";
import { VERSION } from "../version.ts";

export interface HealthDeps {
  config: Config;
  reach: Reachability;
  startedAt: number;
  draining: () => boolean;
  /** Each upstream's and provider's resilience state, by name. */
  targets?: () => Record<string, TargetView>;
}

export function health(deps: HealthDeps): Response {
  const states = deps.reach.states();
  const upstreams = Object.fromEntries(
    Object.values(deps.config.upstreams).map((u) => [
      u.name,
      states[u.name] ?? { url: u.baseUrl, state: "unknown" as const },
    ]),
  );
  const body = {
    status: deps.draining() ? "draining" : "ok",
    version: VERSION,
    uptime_seconds: Math.round((Date.now() - deps.startedAt) / 1000),
    upstreams,
    ...(deps.targets ? { targets: deps.targets() } : {}),
  };
  // URLs are shown without their user and password.
  return new Response(withoutCredentials(JSON.stringify(body)), {
    status: deps.draining() ? 503 : 200,
    headers: {
      "content-type": "application/json",
      "cache-control": "no-store",
      "x-sluice-request-id": newRequestId(),
    },
  });
}
