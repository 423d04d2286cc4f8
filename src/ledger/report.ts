// What `sluice usage` and GET /metrics/usage ask the ledger and how the answer looks: the
// --since and --by arguments, totals over the groups, and the table, CSV and JSON forms. Pure.
import { GROUPS, type Group, type UsageGroup } from "./store.ts";

const DAY_MS = 86_400_000;
export const FORMATS = ["table", "csv", "json"] as const;
export type Format = (typeof FORMATS)[number];

/** `7d`, `12h`, `30m`, or a UTC date `2026-03-01` (from its midnight). */
export function parseSince(text: string, now: number): number | { error: string } {
  const t = text.trim();
  const rel = /^(\d{1,5})([dhm])$/.exec(t);
  if (rel) {
    const n = Number(rel[1]);
    const unit = rel[2] === "d" ? DAY_MS : rel[2] === "h" ? 3_600_000 : 60_000;
    return now - n * unit;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const ms = Date.parse(`${t}T00:00:00Z`);
    if (Number.isFinite(ms) && new Date(ms).toISOString().startsWith(t)) return ms;
  }
  return { error: `since must look like 7d, 12h, 30m or YYYY-MM-DD (got "${t.slice(0, 40)}")` };
}

export function parseGroup(text: string): Group | { error: string } {
  const t = text.trim().toLowerCase();
  return (GROUPS as readonly string[]).includes(t)
    ? (t as Group)
    : { error: `by must be one of: ${GROUPS.join(", ")}` };
}

export function totals(groups: UsageGroup[]): Omit<UsageGroup, "group"> {
  const sum = {
    requests: 0,
    errors: 0,
    input_tokens: 0,
    output_tokens: 0,
    cache_write_tokens: 0,
    cache_read_tokens: 0,
    cost_usd: 0,
  };
  for (const g of groups) {
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += g[k];
  }
  return sum;
}

export interface Report {
  since: string;
  by: Group;
  groups: UsageGroup[];
  totals: Omit<UsageGroup, "group">;
}

export const report = (since: number, by: Group, groups: UsageGroup[]): Report => ({
  since: new Date(since).toISOString(),
  by,
  groups,
  totals: totals(groups),
});

const COLUMNS = [
  ["requests", "requests"],
  ["errors", "errors"],
  ["input_tokens", "input"],
  ["output_tokens", "output"],
  ["cache_write_tokens", "cache write"],
  ["cache_read_tokens", "cache read"],
  ["cost_usd", "cost USD"],
] as const;

/** The table rounds dollars for reading; CSV keeps micro-dollars, since it is summed elsewhere. */
const cell = (k: (typeof COLUMNS)[number][0], n: number, digits = 4) =>
  k === "cost_usd" ? n.toFixed(digits) : String(n);

function csvField(s: string): string {
  // A leading = + - @ would make a spreadsheet run the cell as a formula.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function render(r: Report, format: Format): string {
  if (format === "json") return `${JSON.stringify(r, null, 2)}\n`;
  if (format === "csv") {
    const head = [r.by, ...COLUMNS.map(([k]) => k)].join(",");
    const rows = r.groups.map((g) =>
      [csvField(g.group), ...COLUMNS.map(([k]) => cell(k, g[k], 6))].join(","),
    );
    return `${[head, ...rows].join("\n")}\n`;
  }
  const body = [...r.groups, { group: "total", ...r.totals }].map((g) => [
    g.group,
    ...COLUMNS.map(([k]) => cell(k, g[k])),
  ]);
  const head = [r.by, ...COLUMNS.map(([, label]) => label)];
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) =>
    row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  const rows = body.map(line);
  rows.splice(rows.length - 1, 0, rule);
  return `usage since ${r.since} by ${r.by}\n${line(head)}\n${rule}\n${rows.join("\n")}\n`;
}
