// GET /dashboard: one self-contained HTML document (markup, CSS and script inline; nothing is
// fetched but /metrics/stream). The browser code is written as typed functions in the
// dashboard-*.ts files and inlined from their source; a Content-Security-Policy pins that
// exact script and style by hash, so nothing else can run on the page.
import { createHash } from "node:crypto";
import { VERSION } from "../version.ts";
import { chartKit } from "./dashboard-charts.ts";
import { type DashboardConfig, dashboardMain } from "./dashboard-client.ts";
import { formatKit } from "./dashboard-format.ts";
import { bothViews, SPEND_CSS, spendKit } from "./dashboard-spend.ts";
import { DASHBOARD_CSS } from "./dashboard-style.ts";
import { tableKit } from "./dashboard-tables.ts";

export const DEFAULT_DASHBOARD_CONFIG: DashboardConfig = {
  alertErrorRate: 0.1,
  alertMinRequests: 5,
  alertInFlight: 100,
};

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON that can sit inside a <script> element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");

/** A small water-drop icon, inline so the browser asks nobody for /favicon.ico. */
export const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#38bdf8" d="M12 2s7 7.6 7 12.2A7 7 0 0 1 5 14.2C5 9.6 12 2 12 2z"/><path fill="#0d1117" opacity=".35" d="M9 14.5a3 3 0 0 0 3 3v1.6a4.6 4.6 0 0 1-4.6-4.6z"/></svg>';
export const ICON_LINK = `<link rel="icon" href="data:image/svg+xml,${encodeURIComponent(ICON_SVG)}">`;

export interface Page {
  html: string;
  /** The Content-Security-Policy that goes with it. */
  csp: string;
}

export function pageHeaders(page: Page): Record<string, string> {
  return {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": page.csp,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
  };
}

export function csp(script: string | undefined, style: string): string {
  return [
    "default-src 'none'",
    script === undefined ? "script-src 'none'" : `script-src ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    "connect-src 'self'",
    "img-src data:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const kpi = (id: string, label: string) =>
  `<div class="kpi" id="${id}-tile"><div class="label">${label}</div><div class="value" id="${id}">–</div><div class="sub" id="${id}-sub">&nbsp;</div></div>`;
const chartCard = (id: string, title: string, legend: [string, string][]) =>
  `<div class="card"><h2>${title}<span class="legend">${legend
    .map(([color, name]) => `<span><i class="lg-${color}"></i>${name}</span>`)
    .join("")}</span></h2><div class="chart" id="${id}"></div></div>`;
const table = (id: string, title: string, cols: string[], cls = "", scroll = "scroll") =>
  `<div class="card ${cls}"><h2>${title}</h2><div class="${scroll}"><table><thead><tr>${cols
    .map((c) => (c.startsWith("|") ? `<th class="l">${c.slice(1)}</th>` : `<th>${c}</th>`))
    .join("")}</tr></thead><tbody id="${id}"></tbody></table></div></div>`;

const LEGEND_CSS = ["accent", "err", "tok", "lat", "warn", "fly"]
  .map((c) => `.lg-${c}{background:var(--${c})}`)
  .join("");

export interface PageOptions {
  /** Show a log-out button (the main port, where a browser logged in with the admin key). */
  logout?: boolean;
}

const LOGOUT =
  '<form method="post" action="/dashboard/logout" class="logout"><button type="submit">log out</button></form>';

export function dashboardPage(
  config: DashboardConfig = DEFAULT_DASHBOARD_CONFIG,
  opts: PageOptions = {},
): Page {
  const script = [
    '"use strict";',
    `(${dashboardMain.toString()})(`,
    `(${formatKit.toString()})(),`,
    `(${chartKit.toString()})(),`,
    `(${bothViews.toString()})((${tableKit.toString()})((${formatKit.toString()})()), (${spendKit.toString()})((${formatKit.toString()})())),`,
    `${scriptJson(config)});`,
  ].join("\n");
  const style = DASHBOARD_CSS + LEGEND_CSS + SPEND_CSS;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>sluice dashboard</title>${ICON_LINK}
<style>${style}</style></head>
<body>
<header><div class="brand">${ICON_SVG}sluice <small>v${escapeHtml(VERSION)}</small></div>
<span class="pill" id="conn">connecting</span><span class="spacer"></span>
<span class="meta"><span id="uptime"></span> · <span id="updated"></span></span>${opts.logout ? LOGOUT : ""}</header>
<main>
<div class="alert" id="alert" role="alert"></div>
<section class="kpis">${[
    kpi("k-rps", "Requests/s"),
    kpi("k-tps", "Output tokens/s"),
    kpi("k-err", "Errors (1 min)"),
    kpi("k-fly", "In flight"),
    kpi("k-lat", "Latency p50"),
    kpi("k-ttfb", "TTFB p50"),
    kpi("k-cost", "Cost"),
    kpi("k-bytes", "Bytes out/s"),
  ].join("")}</section>
<section class="grid">
${chartCard("c-requests", "Requests / s", [
  ["accent", "requests"],
  ["err", "errors"],
])}
${chartCard("c-tokens", "Output tokens / s", [["tok", "tokens"]])}
${chartCard("c-latency", "Latency", [
  ["lat", "p50 per second"],
  ["warn", "p99 window"],
])}
${chartCard("c-errors", "Errors and load", [
  ["err", "errors/s"],
  ["fly", "in flight"],
])}
</section>
<section class="grid">
${table("t-spend", "Spend per key (ledger)", ["|Key", "|Today / daily budget", "|This month / monthly budget"])}
<div class="card"><h2>Cost per day, last 30 days<span class="legend" id="c-days-sub"></span></h2><div class="days" id="c-days"></div></div>
</section>
<section class="grid3">
${table("t-status", "Status codes", ["Code", "Requests", "Share", ""])}
${table("t-upstreams", "Upstreams", ["Upstream", "Req", "Err", "In tok", "Out tok", "Cost"])}
${table("t-clients", "Clients", ["Client", "Req", "Err", "In tok", "Out tok", "Cost"])}
${table("t-targets", "Targets", ["Target", "|Breaker", "Fails", "Opens", "|Keys"])}
</section>
<section class="grid">
${table("t-models", "Models", ["Model", "Req", "Err", "Input", "Output", "Cache read", "Cache write", "Hit", "Cost"], "wide")}
${table("t-sessions", "Claude Code sessions", ["Session", "Req", "In tok", "Out tok", "Cache hit", "Cost", "Last seen"], "wide")}
${table("t-recent", "Recent requests", ["Time", "|Client", "|Model", "Status", "Tokens in → out", "TTFB", "Duration", "Cost"], "wide", "scroll tall")}
</section>
<footer><span id="f-retries"></span><span id="f-bytes"></span><span id="f-scrub"></span><span id="f-drops"></span><span id="f-fallbacks"></span><span id="f-extra"></span>
<span class="spacer"></span><a href="metrics" id="l-json">JSON</a><a href="metrics/prometheus" id="l-prom">Prometheus</a></footer>
</main>
<script>${script}</script>
</body></html>`;
  return { html, csp: csp(script, style) };
}
