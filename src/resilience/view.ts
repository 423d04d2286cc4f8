// What /health and the dashboard show of each target: its key pool (how many keys, which rest
// and for how long, which are out). Names keys by fingerprint only; read-only over the state.
import type { Config } from "../config/types.ts";
import type { Router } from "../routing/providers.ts";
import type { KeyPools, PoolView } from "./pools.ts";

export type TargetView = PoolView;

export interface ViewDeps {
  config: Config;
  router: Router;
  keys: KeyPools;
}

/** Every upstream and provider by name (a provider named like an upstream is the one routes use). */
export function targetViews(deps: ViewDeps): Record<string, TargetView> {
  const out: Record<string, TargetView> = {};
  for (const u of Object.values(deps.config.upstreams)) out[u.name] = deps.keys.view(u.name, u.apiKeys);
  for (const p of Object.values(deps.router.providers)) out[p.name] = deps.keys.view(p.name, p.apiKeys);
  return out;
}
