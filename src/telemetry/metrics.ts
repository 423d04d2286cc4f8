// The sink's numbers as pull-based metrics for /metrics (the shape metrics/counters.ts
// registers as extra metrics: exposed as sluice_<name> in Prometheus, extra.<name> in JSON).
// Read only when scraped; counters end in _total.
import type { Telemetry } from "./langfuse.ts";
import type { Otel } from "./otel.ts";

export interface TelemetryMetric {
  name: string;
  help: string;
  type: "counter" | "gauge";
  read(): number;
}

export function telemetryMetrics(t: Pick<Telemetry, "stats">): TelemetryMetric[] {
  return [
    {
      name: "langfuse_queued_traces",
      help: "Traces waiting to be sent to Langfuse.",
      type: "gauge",
      read: () => t.stats().queued,
    },
    {
      name: "langfuse_sent_traces_total",
      help: "Traces Langfuse accepted.",
      type: "counter",
      read: () => t.stats().sent,
    },
    {
      name: "langfuse_dropped_traces_total",
      help: "Traces dropped: queue full while Langfuse was slow or down, or unsent at shutdown.",
      type: "counter",
      read: () => t.stats().dropped,
    },
    {
      name: "langfuse_failed_traces_total",
      help: "Traces Langfuse refused.",
      type: "counter",
      read: () => t.stats().failed,
    },
  ];
}

/** The OpenTelemetry exporter's queue, on /metrics when an endpoint is configured. */
export function otelMetrics(t: Pick<Otel, "stats">): TelemetryMetric[] {
  return [
    {
      name: "otel_queued_spans",
      help: "Spans waiting to be exported to the OpenTelemetry collector.",
      type: "gauge",
      read: () => t.stats().queued,
    },
    {
      name: "otel_exported_spans_total",
      help: "Spans the OpenTelemetry collector accepted.",
      type: "counter",
      read: () => t.stats().sent,
    },
    {
      name: "otel_dropped_spans_total",
      help: "Spans dropped: queue full while the collector was slow or down, or unsent at shutdown.",
      type: "counter",
      read: () => t.stats().dropped,
    },
    {
      name: "otel_failed_spans_total",
      help: "Spans the OpenTelemetry collector refused.",
      type: "counter",
      read: () => t.stats().failed,
    },
  ];
}
