// Browser-side spend view of the dashboard: each key's spend today and this month against its
// budgets (bars that turn amber past 80 % and red at the budget), and the cost of each of the
// last 30 UTC days as a bar chart. Both come from the ledger (sections.gateway of a snapshot),
// so they are the same after a restart. Runs in the page: its source is inlined by
// dashboard-page.ts, so it must stay self-contained; text goes in with textContent only.
import type { GatewayJson } from "../gateway/metrics.ts";
import type { MetricsView } from "../metrics/hub.ts";
import type { Fmt } from "./dashboard-format.ts";

export interface SpendView {
  render(v: MetricsView): void;
}

export function spendKit(fmt: Fmt): SpendView {
  const el = (tag: string, cls = "", text = "") => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  };

  /** A spend figure with its budget bar, or the bare figure when the key has no budget. */
  function budgetCell(spent: number, budget: number | undefined): HTMLTableCellElement {
    const td = el("td", "spend") as HTMLTableCellElement;
    const label = el(
      "div",
      "spendlabel",
      budget === undefined ? fmt.usd(spent) : `${fmt.usd(spent)} / ${fmt.usd(budget)}`,
    );
    td.append(label);
    if (budget !== undefined) {
      const share = budget > 0 ? spent / budget : spent > 0 ? 1 : 0;
      const track = el("div", `track${share >= 1 ? " over" : share >= 0.8 ? " near" : ""}`);
      const bar = el("div", "bar");
      bar.style.width = `${Math.max(0, Math.min(100, share * 100))}%`;
      track.append(bar);
      td.append(track);
      td.title = `${Math.round(share * 100)}% of the budget`;
    }
    return td;
  }

  function keys(g: GatewayJson): void {
    const tbody = document.getElementById("t-spend");
    if (!tbody) return;
    const rows = g.keys.map((k) => {
      const tr = el("tr");
      const name = el("td", "key l", k.key);
      name.title = k.key;
      tr.append(name, budgetCell(k.todayUsd, k.budgetUsdDay), budgetCell(k.monthUsd, k.budgetUsdMonth));
      return tr;
    });
    if (rows.length === 0) {
      const tr = el("tr");
      const td = el(
        "td",
        "empty",
        g.ledger === null
          ? "the ledger is off (SLUICE_DATABASE_URL=off)"
          : "no key has spent anything this month",
      );
      (td as HTMLTableCellElement).colSpan = 3;
      tr.append(td);
      rows.push(tr);
    }
    tbody.replaceChildren(...rows);
  }

  function days(g: GatewayJson): void {
    const host = document.getElementById("c-days");
    if (!host) return;
    const max = Math.max(0, ...g.days.map((d) => d.costUsd));
    const bars = g.days.map((d) => {
      const col = el("div", "day");
      const bar = el("div", "bar");
      bar.style.height = `${max > 0 ? Math.max(d.costUsd > 0 ? 2 : 0, (d.costUsd / max) * 100) : 0}%`;
      col.title = `${d.day}: ${fmt.usd(d.costUsd)}, ${fmt.int(d.requests)} requests`;
      col.dataset.day = d.day;
      col.dataset.cost = String(d.costUsd);
      col.append(bar);
      return col;
    });
    host.replaceChildren(...bars);
    const total = g.days.reduce((a, d) => a + d.costUsd, 0);
    const sub = document.getElementById("c-days-sub");
    if (sub) sub.textContent = `${fmt.usd(total)} in 30 days \u00b7 peak ${fmt.usd(max)}`;
  }

  return {
    render(v) {
      const g = v.sections.gateway as GatewayJson | undefined;
      if (!g) return;
      keys(g);
      days(g);
    },
  };
}

/** Two views rendered from one snapshot, in order. */
export function bothViews(a: { render(v: MetricsView): void }, b: { render(v: MetricsView): void }) {
  return {
    render(v: MetricsView) {
      a.render(v);
      b.render(v);
    },
  };
}

export const SPEND_CSS = `
.spend{min-width:150px}.spendlabel{font-size:12.5px}
.track{height:6px;border-radius:3px;background:var(--panel2);margin-top:3px;overflow:hidden}
.track .bar{background:var(--ok);min-width:0}.track.near .bar{background:var(--warn)}.track.over .bar{background:var(--err)}
.days{display:flex;align-items:flex-end;gap:3px;height:150px;padding-top:6px}
.day{flex:1;height:100%;display:flex;align-items:flex-end;min-width:3px}
.day .bar{width:100%;border-radius:3px 3px 0 0;background:var(--accent);min-width:0}
.day:hover .bar{background:var(--tok)}
`;
