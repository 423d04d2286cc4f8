// The gateway on /metrics and Prometheus: spend and budget per key (key names come from the
// configuration and the ledger, so the label set is bounded), refusals by reason, and the
// ledger writer's own numbers (rows written, dropped, waiting).

import { type DailyCost, type DayCost, lastDays } from "../ledger/daily.ts";
import type { LedgerWriter, WriterStats } from "../ledger/writer.ts";
import type { Section } from "../metrics/counters.ts";
import { escapeLabel } from "../metrics/prometheus.ts";
import type { Gateway, KeySpend } from "./gateway.ts";

/** Most keys listed by name; beyond it Prometheus would be the wrong tool anyway. */
const MAX_KEYS = 500;

/** `sections.gateway` of GET /metrics and of the dashboard's stream. */
export interface GatewayJson {
  keys: KeySpend[];
  refusals: Record<string, number>;
  /** The ledger writer's numbers; null when the ledger is off. */
  ledger: WriterStats | null;
  /** Cost per UTC day, the last 30 days (empty when the ledger is off). */
  days: DayCost[];
}

export function gatewaySection(
  gateway: Gateway,
  writer: () => LedgerWriter | undefined,
  daily?: DailyCost,
): Section {
  return {
    name: "gateway",
    json: (): GatewayJson => ({
      keys: gateway.keys().slice(0, MAX_KEYS),
      refusals: gateway.refusals(),
      ledger: writer()?.stats() ?? null,
      days: daily ? lastDays(daily.days(), Date.now()) : [],
    }),
    prometheus() {
      const lines: string[] = [];
      const keys = gateway.keys().slice(0, MAX_KEYS);
      head(
        lines,
        "sluice_key_spend_usd",
        "gauge",
        "Spend of a client key in the current UTC day or month, from the ledger.",
      );
      for (const k of keys) {
        const key = escapeLabel(k.key);
        lines.push(`sluice_key_spend_usd{key="${key}",period="day"} ${k.todayUsd}`);
        lines.push(`sluice_key_spend_usd{key="${key}",period="month"} ${k.monthUsd}`);
      }
      head(
        lines,
        "sluice_key_budget_usd",
        "gauge",
        "Budget of a client key per UTC day or month ([[keys]]).",
      );
      for (const k of keys) {
        const key = escapeLabel(k.key);
        if (k.budgetUsdDay !== undefined)
          lines.push(`sluice_key_budget_usd{key="${key}",period="day"} ${k.budgetUsdDay}`);
        if (k.budgetUsdMonth !== undefined)
          lines.push(`sluice_key_budget_usd{key="${key}",period="month"} ${k.budgetUsdMonth}`);
      }
      head(lines, "sluice_refusals_total", "counter", "Calls sluice refused before any upstream, by reason.");
      for (const [reason, n] of Object.entries(gateway.refusals())) {
        lines.push(`sluice_refusals_total{reason="${reason}"} ${n}`);
      }
      const w = writer()?.stats();
      if (w) {
        head(lines, "sluice_ledger_rows_written_total", "counter", "Ledger rows written to the database.");
        lines.push(`sluice_ledger_rows_written_total ${w.written}`);
        head(
          lines,
          "sluice_ledger_rows_dropped_total",
          "counter",
          "Ledger rows dropped because the database was away too long.",
        );
        lines.push(`sluice_ledger_rows_dropped_total ${w.dropped}`);
        head(lines, "sluice_ledger_rows_buffered", "gauge", "Ledger rows waiting for the database.");
        lines.push(`sluice_ledger_rows_buffered ${w.buffered}`);
      }
      return `${lines.join("\n")}\n`;
    },
  };
}

function head(lines: string[], name: string, type: string, help: string): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
}
