// What /health and the dashboard show of each target: its circuit breaker (state, failures in a
// row, opens, when the next probe may go) and its key pool (how many keys, which rest and for how
// long, which are out). Names keys by fingerprint only; read-only over the state.
import type { Config } from "../config/types.ts";
import type { Router } from "../routing/providers.ts";
import type { Breakers, BreakerView } from "./breakers.ts";
import type { KeyPools, PoolView } from "./pools.ts";

export type TargetView = BreakerView & PoolView;

export interface ViewDeps {
  config: Config;
  router: Router;
  keys: KeyPools;
  breakers: Breakers;
}

/** Every upstream and provider by name (a provider named like an upstream is the one routes use). */
export function targetViews(deps: ViewDeps): Record<string, TargetView> {
  const out: Record<string, TargetView> = {};
  const view = (name: string, keys: readonly string[]): TargetView => ({
    ...deps.breakers.view(name),
    ...deps.keys.view(name, keys),
  });
  for (const u of Object.values(deps.config.upstreams)) out[u.name] = view(u.name, u.apiKeys);
  for (const p of Object.values(deps.router.providers)) out[p.name] = view(p.name, p.apiKeys);
  return out;
}
