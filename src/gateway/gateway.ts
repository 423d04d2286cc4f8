// The team gateway's step in the proxy pipeline and its bookkeeping: for a call made with a
// [[keys]] key it checks, in this order, the model allow-list (403), the day and month budgets
// and the per-minute limits (429 with retry-after); a refused call never reaches an upstream.
// Finished calls add their cost to the key's running spend and their tokens to its limit.
import type { KeyPolicy } from "../config/keys.ts";
import { type ProxyError, proxyError } from "../errors.ts";
import type { Exchange } from "../proxy/exchange.ts";
import type { ExchangeObserver } from "../proxy/observe.ts";
import { globMatch } from "../routing/providers.ts";
import { budgetMessage, overBudget } from "./budget.ts";
import type { Limiter } from "./limiter-local.ts";
import { countedTokens, hasLimits, type LimitRefusal, limitMessage } from "./limits.ts";
import { createSpendTracker, type SpendTracker } from "./spend.ts";

/** The refusals counted by reason (a bounded label set). */
export const REFUSAL_REASONS = [
  "unauthorized",
  "model_not_allowed",
  "budget_exceeded",
  "rate_limited",
] as const;
type Reason = (typeof REFUSAL_REASONS)[number];

/** One key's spend against its budgets, for /metrics, Prometheus and the dashboard. */
export interface KeySpend {
  key: string;
  todayUsd: number;
  monthUsd: number;
  budgetUsdDay?: number;
  budgetUsdMonth?: number;
}

export interface Gateway {
  /** The refusal for this call, or undefined to let it through (counting it against its limits). */
  admit(ex: Exchange): ProxyError | undefined | Promise<ProxyError | undefined>;
  /** Adds spend and tokens of finished calls; counts refusals. */
  observer: ExchangeObserver;
  spend: SpendTracker;
  /** A new [[keys]] table (SIGHUP). Running totals stay. */
  reload(keys: KeyPolicy[]): void;
  keys(): KeySpend[];
  refusals(): Record<Reason, number>;
  close(): void;
}

export function modelAllowed(policy: KeyPolicy, model: string | undefined): boolean {
  if (policy.models === undefined || model === undefined) return true;
  return policy.models.some((glob) => globMatch(glob, model));
}

export function createGateway(opts: { keys: KeyPolicy[]; limiter: Limiter; now?: () => number }): Gateway {
  const now = opts.now ?? Date.now;
  let byName = new Map(opts.keys.map((k) => [k.name, k]));
  const spend = createSpendTracker();
  const refused = Object.fromEntries(REFUSAL_REASONS.map((r) => [r, 0])) as Record<Reason, number>;

  const toError = (policy: KeyPolicy, x: LimitRefusal | undefined): ProxyError | undefined =>
    x
      ? { ...proxyError("rate_limited", limitMessage(policy.name, x)), retryAfterSec: x.retryAfterSec }
      : undefined;
  const limited = (policy: KeyPolicy, t: number) => {
    const r = opts.limiter.admit(policy, t);
    // Only Redis answers later; the local count costs no promise.
    return r instanceof Promise ? r.then((x) => toError(policy, x)) : toError(policy, r);
  };

  return {
    spend,
    admit(ex) {
      const policy = ex.client === undefined ? undefined : byName.get(ex.client);
      if (!policy) return undefined;
      if (!modelAllowed(policy, ex.requestModel)) {
        return proxyError(
          "model_not_allowed",
          `key "${policy.name}" may not use model "${ex.requestModel}" (allowed: ${policy.models?.join(", ")})`,
        );
      }
      const t = now();
      if (policy.budgetUsdDay !== undefined || policy.budgetUsdMonth !== undefined) {
        const over = overBudget(policy, spend.get(policy.name, t), t);
        if (over) {
          return {
            ...proxyError("budget_exceeded", budgetMessage(policy.name, over)),
            retryAfterSec: over.retryAfterSec,
          };
        }
      }
      return hasLimits(policy) ? limited(policy, t) : undefined;
    },
    observer: {
      onEnd(ex) {
        const kind = ex.errorKind as Reason | undefined;
        if (kind !== undefined && kind in refused) refused[kind] += 1;
        if (ex.client === undefined) return;
        if (ex.costUsd !== undefined && ex.costUsd > 0) spend.add(ex.client, ex.costUsd, ex.startedAt);
        const policy = byName.get(ex.client);
        if (policy?.tokensPerMinute !== undefined && ex.usage) {
          opts.limiter.addTokens(ex.client, countedTokens(ex.usage), now());
        }
      },
    },
    reload(keys) {
      byName = new Map(keys.map((k) => [k.name, k]));
    },
    keys() {
      const t = now();
      const names = new Set([...byName.keys(), ...spend.all(t).map((s) => s.key)]);
      return [...names].sort().map((key) => {
        const s = spend.get(key, t);
        const p = byName.get(key);
        return {
          key,
          todayUsd: s.day,
          monthUsd: s.month,
          ...(p?.budgetUsdDay !== undefined ? { budgetUsdDay: p.budgetUsdDay } : {}),
          ...(p?.budgetUsdMonth !== undefined ? { budgetUsdMonth: p.budgetUsdMonth } : {}),
        };
      });
    },
    refusals: () => ({ ...refused }),
    close: () => opts.limiter.close(),
  };
}
