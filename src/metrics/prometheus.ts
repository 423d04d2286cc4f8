// Renders the recorder's state in the Prometheus text exposition format 0.0.4. Promises the
// `sluice_` prefix, HELP and TYPE lines for every family, counters ending in _total, valid
// escaping, and only low-cardinality labels: upstream, model, status code, outcome, client,
// token kind. Session ids and request ids never become labels.

import type { BreakdownRow } from "./breakdown.ts";
import type { Histogram } from "./histogram.ts";
import type { Outcome } from "./snapshot.ts";

type Row = Omit<BreakdownRow, "cacheHitRatio">;

export interface PrometheusView {
  uptimeSeconds: number;
  inFlight: number;
  totals: {
    bytesIn: number;
    bytesOut: number;
    retries: number;
    scrubHits: number;
  };
  outcomes: Record<Outcome, number>;
  upstreamCodes: ReadonlyMap<string, ReadonlyMap<number, number>>;
  upstreams: Iterable<Readonly<Row>>;
  models: Iterable<Readonly<Row>>;
  clients: Iterable<Readonly<Row>>;
  latency: Histogram;
  ttfb: Histogram;
}

/** Histogram bounds exposed, in seconds; each is one of the fine bucket bounds, so counts are exact. */
export const PROMETHEUS_BOUNDS_S = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
] as const;

type Labels = ReadonlyArray<readonly [string, string]>;

class Exposition {
  readonly lines: string[] = [];

  family(name: string, type: "counter" | "gauge" | "histogram", help: string): void {
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
  }

  sample(name: string, labels: Labels, value: number): void {
    const body =
      labels.length === 0 ? "" : `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
    this.lines.push(`${name}${body} ${formatValue(value)}`);
  }
}

export function renderPrometheus(v: PrometheusView): string {
  const out = new Exposition();
  const upstreams = [...v.upstreams];
  const models = [...v.models];
  const clients = [...v.clients];

  out.family("sluice_uptime_seconds", "gauge", "Seconds since sluice started.");
  out.sample("sluice_uptime_seconds", [], v.uptimeSeconds);
  out.family("sluice_in_flight_requests", "gauge", "Proxied requests begun and not yet finished.");
  out.sample("sluice_in_flight_requests", [], v.inFlight);

  out.family("sluice_requests_total", "counter", "Finished proxied requests by upstream and HTTP status.");
  for (const [upstream, codes] of v.upstreamCodes) {
    for (const [code, n] of [...codes].sort((a, b) => a[0] - b[0])) {
      out.sample(
        "sluice_requests_total",
        [
          ["upstream", upstream],
          ["code", String(code)],
        ],
        n,
      );
    }
  }
  out.family("sluice_request_errors_total", "counter", "Finished requests counted as errors, by upstream.");
  for (const r of upstreams) out.sample("sluice_request_errors_total", [["upstream", r.key]], r.errors);
  out.family("sluice_request_outcomes_total", "counter", "Finished requests by outcome.");
  for (const [outcome, n] of Object.entries(v.outcomes)) {
    out.sample("sluice_request_outcomes_total", [["outcome", outcome]], n);
  }

  out.family("sluice_model_requests_total", "counter", "Finished requests by model.");
  for (const r of models) out.sample("sluice_model_requests_total", [["model", r.key]], r.requests);
  out.family("sluice_model_errors_total", "counter", "Finished requests counted as errors, by model.");
  for (const r of models) out.sample("sluice_model_errors_total", [["model", r.key]], r.errors);
  out.family("sluice_tokens_total", "counter", "Tokens reported by upstreams, by model and billing kind.");
  for (const r of models) {
    const m = ["model", r.key] as const;
    out.sample("sluice_tokens_total", [m, ["kind", "input"]], r.tokens.input);
    out.sample("sluice_tokens_total", [m, ["kind", "output"]], r.tokens.output);
    out.sample("sluice_tokens_total", [m, ["kind", "cache_write"]], r.tokens.cacheWrite);
    out.sample("sluice_tokens_total", [m, ["kind", "cache_read"]], r.tokens.cacheRead);
  }
  out.family(
    "sluice_reasoning_tokens_total",
    "counter",
    "Output tokens spent on reasoning (part of output).",
  );
  for (const r of models) out.sample("sluice_reasoning_tokens_total", [["model", r.key]], r.tokens.reasoning);
  out.family(
    "sluice_estimated_output_tokens_total",
    "counter",
    "Output tokens sluice counted itself, the backend having reported no usage (part of output).",
  );
  for (const r of models)
    out.sample("sluice_estimated_output_tokens_total", [["model", r.key]], r.tokens.outputEstimated);
  out.family(
    "sluice_cache_write_1h_tokens_total",
    "counter",
    "Cache writes with Anthropic's 1-hour TTL, billed at 2x input (part of cache_write).",
  );
  for (const r of models)
    out.sample("sluice_cache_write_1h_tokens_total", [["model", r.key]], r.tokens.cacheWrite1h);
  out.family("sluice_cost_usd_total", "counter", "Cost of priced requests in US dollars, by model.");
  for (const r of models) out.sample("sluice_cost_usd_total", [["model", r.key]], r.costUsd);
  out.family(
    "sluice_unpriced_requests_total",
    "counter",
    "Requests with usage but no known price, by model.",
  );
  for (const r of models)
    out.sample("sluice_unpriced_requests_total", [["model", r.key]], r.unpricedRequests);

  out.family("sluice_client_requests_total", "counter", "Finished requests by internal-key client name.");
  for (const r of clients) out.sample("sluice_client_requests_total", [["client", r.key]], r.requests);
  out.family("sluice_client_cost_usd_total", "counter", "Cost in US dollars by internal-key client name.");
  for (const r of clients) out.sample("sluice_client_cost_usd_total", [["client", r.key]], r.costUsd);

  out.family("sluice_request_bytes_total", "counter", "Request body bytes received from clients.");
  out.sample("sluice_request_bytes_total", [], v.totals.bytesIn);
  out.family("sluice_response_bytes_total", "counter", "Response bytes sent to clients.");
  out.sample("sluice_response_bytes_total", [], v.totals.bytesOut);
  out.family("sluice_retries_total", "counter", "Upstream attempts beyond the first.");
  out.sample("sluice_retries_total", [], v.totals.retries);
  out.family("sluice_scrub_hits_total", "counter", "Secrets replaced by the scrubber.");
  out.sample("sluice_scrub_hits_total", [], v.totals.scrubHits);

  histogram(out, "sluice_request_duration_seconds", "Time from arrival to the last byte sent.", v.latency);
  histogram(out, "sluice_time_to_first_byte_seconds", "Time from arrival to the first byte sent.", v.ttfb);
  return `${out.lines.join("\n")}\n`;
}

function histogram(out: Exposition, name: string, help: string, h: Histogram): void {
  out.family(name, "histogram", help);
  for (const le of PROMETHEUS_BOUNDS_S) {
    out.sample(`${name}_bucket`, [["le", String(le)]], h.countAtMost(Math.round(le * 1000)));
  }
  out.sample(`${name}_bucket`, [["le", "+Inf"]], h.count);
  out.sample(`${name}_sum`, [], h.sum / 1000);
  out.sample(`${name}_count`, [], h.count);
}

/** Label values: backslash, double quote and line feed are escaped (exposition format 0.0.4). */
export function escapeLabel(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

/** HELP text: backslash and line feed are escaped. */
function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === "\n" ? "\\n" : "\\\\"));
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}
