// Browser-side tables of the dashboard: status codes, upstreams, clients, targets (breakers and
// key pools), models, sessions and recent requests. Everything is written with textContent, so model names, session ids and
// client names (which clients choose) can never become markup. Runs in the page: its source is
// inlined by dashboard-page.ts, so it must stay self-contained.
import type { MetricsView } from "../metrics/hub.ts";
import type { Fmt } from "./dashboard-format.ts";

export interface Tables {
  render(v: MetricsView): void;
}

/** A cell: plain text, text with a class and title, a share bar, or a status-code chip. */
type Cell = string | { text: string; cls?: string; title?: string; bar?: number; chip?: boolean };

export function tableKit(fmt: Fmt): Tables {
  const body = (id: string) => document.getElementById(id) as HTMLTableSectionElement | null;

  function fill(id: string, rows: Cell[][], empty: string): void {
    const tbody = body(id);
    if (!tbody) return;
    const cols = tbody.parentElement?.querySelectorAll("thead th").length ?? 1;
    const out: HTMLTableRowElement[] = [];
    for (const row of rows) {
      const tr = document.createElement("tr");
      for (const cell of row) {
        const td = document.createElement("td");
        if (typeof cell === "string") td.textContent = cell;
        else if (cell.bar !== undefined) {
          td.className = cell.cls ? `barcell ${cell.cls}` : "barcell";
          const bar = document.createElement("div");
          bar.className = "bar";
          bar.style.width = `${Math.max(0, Math.min(100, cell.bar * 100))}%`;
          td.append(bar);
        } else if (cell.chip) {
          const chip = document.createElement("span");
          chip.className = `code c${cell.text.charAt(0)}`;
          chip.textContent = cell.text;
          td.append(chip);
          if (cell.cls) td.className = cell.cls;
        } else {
          td.textContent = cell.text;
          if (cell.cls) td.className = cell.cls;
          if (cell.title) td.title = cell.title;
        }
        tr.append(td);
      }
      out.push(tr);
    }
    if (out.length === 0) {
      const tr = document.createElement("tr");
      const td = document.createElement("td");
      td.colSpan = cols;
      td.className = "empty";
      td.textContent = empty;
      tr.append(td);
      out.push(tr);
    }
    tbody.replaceChildren(...out);
  }

  const key = (k: string): Cell => ({ text: k, cls: "key", title: k });
  const pct = (n: number | null) => fmt.pct(n);

  function statusCodes(v: MetricsView): void {
    const total = v.totals.requests || 1;
    const rows = Object.entries(v.statusCodes)
      .sort((x, y) => y[1] - x[1])
      .map(([c, n]): Cell[] => [
        { text: c, chip: true },
        fmt.int(n),
        fmt.pct(n / total),
        { text: "", bar: n / total, cls: `b${c.charAt(0)}` },
      ]);
    fill("t-status", rows, "no requests yet");
  }

  function breakdown(id: string, rows: MetricsView["byModel"], empty: string): void {
    fill(
      id,
      rows.map((r) => [
        key(r.key),
        fmt.int(r.requests),
        { text: fmt.int(r.errors), cls: r.errors > 0 ? "c5" : "" },
        fmt.num(r.tokens.input + r.tokens.cacheWrite + r.tokens.cacheRead),
        fmt.num(r.tokens.output),
        fmt.usd(r.costUsd),
      ]),
      empty,
    );
  }

  function models(v: MetricsView): void {
    fill(
      "t-models",
      v.byModel.map((r) => [
        key(r.key),
        fmt.int(r.requests),
        { text: fmt.int(r.errors), cls: r.errors > 0 ? "c5" : "" },
        fmt.num(r.tokens.input),
        fmt.num(r.tokens.output),
        fmt.num(r.tokens.cacheRead),
        {
          text:
            r.tokens.cacheWrite1h > 0
              ? `${fmt.num(r.tokens.cacheWrite)} (1h ${fmt.num(r.tokens.cacheWrite1h)})`
              : fmt.num(r.tokens.cacheWrite),
          title: "1h: writes with the 1-hour TTL, billed at 2x input",
        },
        pct(r.cacheHitRatio),
        { text: fmt.usd(r.costUsd), title: r.unpricedRequests ? `${r.unpricedRequests} unpriced` : "" },
      ]),
      "no model traffic yet",
    );
  }

  function sessions(v: MetricsView): void {
    fill(
      "t-sessions",
      v.bySession
        .slice(0, 25)
        .map((r) => [
          key(r.key),
          fmt.int(r.requests),
          fmt.num(r.tokens.input + r.tokens.cacheWrite + r.tokens.cacheRead),
          fmt.num(r.tokens.output),
          pct(r.cacheHitRatio),
          fmt.usd(r.costUsd),
          fmt.ago(r.lastSeenAt, v.generatedAt),
        ]),
      "no Claude Code sessions yet (x-claude-code-session-id)",
    );
  }

  /** Each upstream and provider: its circuit breaker, and its key pool when it has one. */
  function targets(v: MetricsView): void {
    const breaker = (t: NonNullable<MetricsView["targets"]>[string]): Cell => {
      if (t.state === "open") return { text: `open, probe in ${t.probeInSeconds ?? 0} s`, cls: "l c5" };
      if (t.state === "half_open") return { text: "half-open (probing)", cls: "l c4" };
      return { text: "closed", cls: "l c2" };
    };
    const keys = (t: NonNullable<MetricsView["targets"]>[string]): Cell => {
      if (t.keys === 0) return { text: "client's own", cls: "l" };
      const notes = [
        ...(t.resting.length > 0 ? [`${t.resting.length} resting`] : []),
        ...(t.out.length > 0 ? [`${t.out.length} out`] : []),
      ];
      return {
        text: `${t.keys}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}`,
        cls: t.out.length > 0 ? "l c5" : t.resting.length > 0 ? "l c4" : "l",
        title: [
          ...t.resting.map((r) => `${r.key} rests ${r.seconds} s`),
          ...t.out.map((k) => `${k} out`),
        ].join("\n"),
      };
    };
    fill(
      "t-targets",
      Object.entries(v.targets ?? {}).map(([name, t]) => [
        key(name),
        breaker(t),
        { text: fmt.int(t.failures), cls: t.failures > 0 ? "c4" : "" },
        fmt.int(t.opens),
        keys(t),
      ]),
      "no targets",
    );
  }

  function recent(v: MetricsView): void {
    fill(
      "t-recent",
      v.recent.map((r) => {
        const u = r.usage;
        const input = u ? u.inputTokens + u.cacheWriteTokens + u.cacheReadTokens : 0;
        return [
          { text: fmt.time(r.startedAt), title: `${r.id} ${r.method} ${r.path}` },
          { text: r.client ?? "\u2013", cls: "l" },
          { text: r.model ?? "\u2013", cls: "l key", title: r.model ?? "" },
          { text: String(r.status), chip: true },
          u ? `${fmt.num(input)} \u2192 ${fmt.num(u.outputTokens)}` : "\u2013",
          fmt.ms(r.ttfbMs),
          fmt.ms(r.durationMs),
          r.costUsd === undefined ? "\u2013" : fmt.usd(r.costUsd),
        ];
      }),
      "no requests yet",
    );
  }

  return {
    render(v) {
      statusCodes(v);
      breakdown("t-upstreams", v.byUpstream, "no upstream traffic yet");
      breakdown("t-clients", v.byClient, "no clients yet");
      targets(v);
      models(v);
      sessions(v);
      recent(v);
    },
  };
}
