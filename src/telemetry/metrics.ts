// The sink's numbers as pull-based metrics for /metrics (the shape metrics/counters.ts
// registers as extra metrics: exposed as sluice_<name> in Prometheus, extra.<name> in JSON).
// Read only when scraped; counters end in _total.
import type { Telemetry } from "./langfuse.ts";

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
