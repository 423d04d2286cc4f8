// Fills an Exchange's usage, answering model, stop reason and cost from the decoded response,
// for every API. The one place usage and pricing meet the request path (shared by metrics,
// logs and telemetry, so they always agree).
import type { Api } from "../errors.ts";
import type { Pricing } from "../metrics/pricing.ts";
import {
  createUsageTracker,
  emptyUsage,
  type UsageResult,
  usageFromJson,
  usageSkip,
} from "../metrics/usage.ts";
import type { Exchange } from "./exchange.ts";
import type { ResponseConsumer } from "./observe.ts";

export function usageConsumer(ex: Exchange, api: Api, pricing: Pricing): ResponseConsumer {
  const tracker = createUsageTracker(api);
  let whole: UsageResult | undefined;
  const consumer: ResponseConsumer = {
    event: (ev) => tracker.onEvent(ev),
    json: (body) => {
      whole = usageFromJson(api, body);
    },
    end: () => applyUsage(ex, whole ?? tracker.result(), pricing),
  };
  const skip = usageSkip(api);
  if (skip) consumer.skip = skip;
  return consumer;
}

export function applyUsage(ex: Exchange, r: UsageResult, pricing: Pricing): void {
  if (r.model) ex.model = r.model;
  if (r.stopReason) ex.stopReason = r.stopReason;
  if (r.responseId) ex.responseId = r.responseId;
  if (r.error) ex.upstreamError = r.error;
  // A translated stream without the backend's usage: sluice's own count, marked as such.
  const usage =
    ex.estimatedOutputTokens !== undefined
      ? { ...(r.usage ?? emptyUsage()), outputTokens: ex.estimatedOutputTokens, estimated: true }
      : r.usage;
  if (usage) {
    ex.usage = usage;
    ex.costUsd = pricing.costFor(ex.upstreamModel ?? ex.model, usage);
  }
}
