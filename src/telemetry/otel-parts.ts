// The parts of the OpenTelemetry exporter that are plain functions of configuration and
// data: the resource every batch carries, where a call went (for server.* and the provider
// name), what a record and a span weigh (for the queue's and the batch's byte budgets), and
// the start-up line. Pure except for the resource's host name and instance id.
import { hostname } from "node:os";
import type { Config, UpstreamName } from "../config/types.ts";
import type { Logger } from "../log.ts";
import type { Exchange } from "../proxy/exchange.ts";
import { presets } from "../translate/presets.ts";
import { VERSION } from "../version.ts";
import type { KeyValue, SpanData } from "./otel-proto.ts";
import type { AssembledOutput } from "./output.ts";

/** service.*, host.name and telemetry.sdk.*, then OTEL_RESOURCE_ATTRIBUTES. */
export function resourceOf(config: Config): KeyValue[] {
  const attrs: Record<string, string> = {
    "service.version": VERSION,
    "service.instance.id": crypto.randomUUID(),
    "host.name": hostname(),
    "telemetry.sdk.name": "sluice",
    "telemetry.sdk.version": VERSION,
    ...config.otel.resourceAttributes,
  };
  // OTEL_SERVICE_NAME wins over a service.name in OTEL_RESOURCE_ATTRIBUTES, as the spec says,
  // unless it is only sluice's default.
  const named = config.otel.resourceAttributes["service.name"];
  attrs["service.name"] = config.otel.serviceName === "sluice" && named ? named : config.otel.serviceName;
  return Object.entries(attrs).map(([key, s]) => ({ key, value: { s } }));
}

/** Where a call went: base URL, the API spoken there and the preset it came from. */
export function targetOf(
  config: Config,
  ex: Exchange,
): { baseUrl: string; api: Exchange["api"]; preset?: string } {
  const provider = ex.routedTo === undefined ? undefined : config.providers[ex.routedTo];
  if (provider) {
    const preset = provider.preset ? presets[provider.preset] : undefined;
    const format = provider.format ?? preset?.format ?? "openai";
    return {
      baseUrl: provider.base_url ?? preset?.baseUrl ?? "",
      api: format === "anthropic" ? "anthropic" : "openai",
      ...(provider.preset ? { preset: provider.preset } : {}),
    };
  }
  const up = config.upstreams[ex.upstream as UpstreamName] ?? config.upstreams[ex.api];
  return { baseUrl: up.baseUrl, api: up.api };
}

/** About what an assembled answer holds in memory, without serialising it. */
export function outputChars(out: AssembledOutput | undefined): number {
  if (out === undefined || "error" in out) return out === undefined ? 0 : 4096;
  let n = out.content.length + (out.thinking?.length ?? 0);
  for (const tc of out.tool_calls ?? []) n += tc.function.name.length + tc.function.arguments.length + 64;
  return 2 * n;
}

/** About what a span takes on the wire (for the batch byte budget): keys, values, ids. */
export function estimatedBytes(span: SpanData): number {
  let n = 96 + span.name.length;
  for (const { key, value } of span.attributes)
    n +=
      8 +
      key.length +
      ("s" in value ? value.s.length : "a" in value ? value.a.join("").length + 4 * value.a.length : 10);
  return n;
}

/** One start-up line: where spans go (no credentials), and a hint for the gRPC port. */
export function announce(log: Logger, url: string, capture: boolean): void {
  let shown = url;
  let port = "";
  try {
    const u = new URL(url);
    shown = `${u.protocol}//${u.host}${u.pathname}`;
    port = u.port;
  } catch {
    // Validated at load; never expected.
  }
  log.info("opentelemetry export on", { endpoint: shown, capture_content: capture });
  if (port === "4317")
    log.warn("port 4317 is OTLP/gRPC; sluice sends OTLP/HTTP, usually on port 4318", { endpoint: shown });
}
