// Browser-side heart of the dashboard: follows GET /metrics/stream, reconnects by itself with
// backoff (and notices a stream that went silent), and turns each snapshot into tiles, charts,
// tables and the alert banner. Runs in the page: its source is inlined by dashboard-page.ts, so
// it must stay self-contained (it gets its helpers as arguments).
import type { MetricsView } from "../metrics/hub.ts";
import type { ChartKit, ChartSeries } from "./dashboard-charts.ts";
import type { Fmt } from "./dashboard-format.ts";
import type { Tables } from "./dashboard-tables.ts";

export interface DashboardConfig {
  /** Alert when at least this share of the last minute's requests failed ... */
  alertErrorRate: number;
  /** ... and the minute held at least this many requests. */
  alertMinRequests: number;
  /** Alert when this many requests are in flight. */
  alertInFlight: number;
}

export function dashboardMain(fmt: Fmt, charts: ChartKit, tables: Tables, config: DashboardConfig): void {
  const $ = (id: string) => document.getElementById(id);
  const set = (id: string, text: string) => {
    const el = $(id);
    if (el && el.textContent !== text) el.textContent = text;
  };
  const base = location.pathname.replace(/\/dashboard\/?$/, "");
  const streamUrl = `${base}/metrics/stream`;
  const chart = (id: string) => {
    const host = $(id);
    return host ? charts.create(host) : undefined;
  };
  const cRequests = chart("c-requests");
  const cTokens = chart("c-tokens");
  const cLatency = chart("c-latency");
  const cErrors = chart("c-errors");

  const tail = (xs: number[], n: number) => xs.slice(Math.max(0, xs.length - n));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  // The newest second is still filling up: rates use the ten before it.
  const rate = (xs: number[]) => sum(tail(xs.slice(0, -1), 10)) / 10;

  function alerts(v: MetricsView, errRate: number | null, minuteRequests: number): void {
    const el = $("alert");
    if (!el) return;
    const msgs: string[] = [];
    let severe = false;
    if (errRate !== null && minuteRequests >= config.alertMinRequests && errRate >= config.alertErrorRate) {
      msgs.push(
        `High error rate: ${fmt.pct(errRate)} of ${minuteRequests} requests failed in the last minute`,
      );
      severe = true;
    }
    if (v.totals.inFlight >= config.alertInFlight) {
      msgs.push(`High load: ${v.totals.inFlight} requests in flight`);
    }
    el.textContent = msgs.join(" \u00b7 ");
    el.className = msgs.length === 0 ? "alert" : severe ? "alert on" : "alert on warn";
  }

  function render(v: MetricsView): void {
    const s = v.series;
    const minuteReq = sum(tail(s.requests, 60));
    const minuteErr = sum(tail(s.errors, 60));
    const errRate = minuteReq > 0 ? minuteErr / minuteReq : null;
    const t = v.totals;
    const prompt = t.tokens.input + t.tokens.cacheWrite + t.tokens.cacheRead;

    set("uptime", `up ${fmt.duration(v.uptimeSeconds)}`);
    set("updated", `updated ${fmt.time(v.generatedAt)}`);
    set("k-rps", fmt.num(rate(s.requests)));
    set("k-rps-sub", `${fmt.int(t.requests)} total`);
    set("k-tps", fmt.num(rate(s.outputTokens)));
    set("k-tps-sub", `${fmt.num(t.tokens.output)} out \u00b7 ${fmt.num(prompt)} in`);
    set("k-err", fmt.pct(errRate));
    set("k-err-sub", `${fmt.int(t.errors)} errors \u00b7 ${fmt.int(t.clientClosed)} aborted`);
    $("k-err-tile")?.classList.toggle("bad", errRate !== null && errRate >= config.alertErrorRate);
    set("k-fly", fmt.int(t.inFlight));
    set("k-fly-sub", `peak ${fmt.int(Math.max(0, ...tail(s.inFlight, 60)))} in 1 min`);
    const lat = v.latency;
    set("k-lat", fmt.ms(lat.latencyMs.p50));
    set("k-lat-sub", `p99 ${fmt.ms(lat.latencyMs.p99)}`);
    set("k-ttfb", fmt.ms(lat.ttfbMs.p50));
    set("k-ttfb-sub", `p99 ${fmt.ms(lat.ttfbMs.p99)}`);
    set("k-cost", fmt.usd(t.costUsd));
    set("k-cost-sub", `cache hits ${fmt.pct(prompt > 0 ? t.tokens.cacheRead / prompt : null)}`);
    set("k-bytes", `${fmt.bytes(rate(s.bytesOut))}/s`);
    set("k-bytes-sub", `in ${fmt.bytes(rate(s.bytesIn))}/s`);
    alerts(v, errRate, minuteReq);

    // A young process shows the time it has been up (at least a minute), not minutes of zeros.
    const span = Math.min(s.requests.length, Math.max(60, v.uptimeSeconds + 2));
    const startSec = s.startSec + s.requests.length - span;
    const line = (label: string, color: string, values: (number | null)[], fill = true): ChartSeries => ({
      label,
      color,
      values: values.slice(values.length - span),
      fill,
    });
    cRequests?.draw({
      startSec,
      series: [line("requests/s", "--accent", s.requests), line("errors/s", "--err", s.errors)],
      format: fmt.num,
    });
    cTokens?.draw({
      startSec,
      series: [line("output tokens/s", "--tok", s.outputTokens)],
      format: fmt.num,
    });
    cLatency?.draw({
      startSec,
      series: [line("p50", "--lat", s.latencyP50Ms, false)],
      refs: [
        {
          label: "p99",
          color: "--warn",
          value: v.latency.latencyMs.p99,
        },
      ],
      format: (n) => fmt.ms(n),
    });
    cErrors?.draw({
      startSec,
      series: [line("errors/s", "--err", s.errors), line("in flight", "--fly", s.inFlight, false)],
      format: fmt.num,
    });
    tables.render(v);

    const extras = (o: Record<string, number>) =>
      Object.entries(o)
        .map(([k, n]) => `${k.replace(/_/g, " ")} ${fmt.int(n)}`)
        .join(", ") || "none";
    const detectors = Object.keys(v.scrubHitsByDetector).length ? ` (${extras(v.scrubHitsByDetector)})` : "";
    set("f-scrub", `scrub hits: ${fmt.int(t.scrubHits)}${detectors}`);
    set("f-bytes", `bytes: ${fmt.bytes(t.bytesIn)} in, ${fmt.bytes(t.bytesOut)} out`);
    set("f-drops", `translation drops: ${extras(v.translationDrops)}`);
    set("f-fallbacks", `fallbacks: ${extras(v.fallbacks)}`);
    set("f-extra", Object.keys(v.extra).length ? extras(v.extra) : "");
    set("f-retries", `retries: ${fmt.int(t.retries)}`);
  }

  let source: EventSource | undefined;
  let lastMessage = 0;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function status(text: string, cls: string): void {
    const el = $("conn");
    if (!el) return;
    el.textContent = text;
    el.className = `pill ${cls}`;
  }

  function reconnect(): void {
    source?.close();
    source = undefined;
    if (timer !== undefined) return;
    const delay = Math.min(10_000, 1000 * 2 ** attempt);
    attempt++;
    status(`reconnecting in ${Math.round(delay / 1000)}s`, "down");
    timer = setTimeout(() => {
      timer = undefined;
      connect();
    }, delay);
    // A lost login shows up as 401 here; EventSource itself cannot tell.
    fetch(`${base}/metrics?recent=0`, { cache: "no-store", credentials: "same-origin" })
      .then((r) => {
        if (r.status === 401) location.assign(`${base}/dashboard/login`);
      })
      .catch(() => undefined);
  }

  function connect(): void {
    status("connecting", "");
    const es = new EventSource(streamUrl);
    source = es;
    es.addEventListener("open", () => {
      attempt = 0;
      lastMessage = Date.now();
      status("live", "live");
    });
    es.addEventListener("snapshot", (ev) => {
      lastMessage = Date.now();
      try {
        render(JSON.parse((ev as MessageEvent<string>).data) as MetricsView);
      } catch (err) {
        status("bad data", "down");
        throw err;
      }
    });
    es.addEventListener("error", () => {
      // The browser retries by itself unless it gave up (CLOSED); then sluice retries.
      if (es.readyState === EventSource.CLOSED) reconnect();
      else status("reconnecting", "down");
    });
  }

  // A stream that went silent (a proxy holding the connection, a sleeping laptop) is replaced.
  setInterval(() => {
    if (source && source.readyState === EventSource.OPEN && Date.now() - lastMessage > 6000) reconnect();
  }, 2000);
  connect();
}
