// GET /metrics/prometheus after known traffic: valid text exposition whose samples agree with the
// JSON snapshot, labelled only by low-cardinality names (never a session or request id).
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { MetricsView } from "../../src/metrics/hub.ts";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { KNOWN_KEYS, SESSION_1, SESSION_2, type Sent, sendKnownTraffic } from "../helpers/known-traffic.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

let mock: MockServer;
let sluice: TestSluice;
let sent: Sent[];
let text: string;
let contentType: string | null;
let json: MetricsView;
const samples = new Map<string, number>();

beforeAll(async () => {
  mock = startMockUpstream({ port: 0 });
  sluice = await startSluice(
    {
      SLUICE_ANTHROPIC_BASE_URL: mock.url,
      SLUICE_OPENAI_BASE_URL: mock.url,
      SLUICE_GEMINI_BASE_URL: mock.url,
      SLUICE_API_KEYS: KNOWN_KEYS,
      SLUICE_RETRY_MAX: "1",
    },
    { admin: true },
  );
  sent = await sendKnownTraffic(sluice.url);
  await sluice.waitForExchanges(sent.length);
  const r = await fetch(`${sluice.adminUrl}/metrics/prometheus`);
  contentType = r.headers.get("content-type");
  text = await r.text();
  json = (await (await fetch(`${sluice.adminUrl}/metrics`)).json()) as MetricsView;
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const cut = line.lastIndexOf(" ");
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
}, 20_000);
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
});

const value = (series: string) => {
  expect(samples.has(series)).toBe(true);
  return samples.get(series)!;
};

test("it is text exposition 0.0.4 with HELP and TYPE for every family", () => {
  expect(contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
  expect(text.endsWith("\n")).toBe(true);
  const families = new Set<string>();
  for (const line of text.split("\n")) {
    if (line.startsWith("# TYPE ")) families.add(line.split(" ")[2]!);
    else if (line !== "" && !line.startsWith("# HELP ")) {
      expect(line).toMatch(/^sluice_[a-z0-9_]+(\{([a-z_]+="(?:[^"\\]|\\.)*",?)*\})? -?[0-9.e+-]+$/);
      const name = line.split(/[{ ]/)[0]!.replace(/_(bucket|sum|count)$/, "");
      expect(families.has(name) || families.has(line.split(/[{ ]/)[0]!)).toBe(true);
    }
  }
  expect(families.size).toBeGreaterThan(15);
});

test("request counts by upstream and code agree with the traffic", () => {
  const count = (upstream: string, code: number) =>
    sent.filter((s) => s.upstream === upstream && s.status === code).length;
  for (const upstream of ["anthropic", "openai", "gemini"]) {
    for (const code of new Set(sent.filter((s) => s.upstream === upstream).map((s) => s.status))) {
      expect(value(`sluice_requests_total{upstream="${upstream}",code="${code}"}`)).toBe(
        count(upstream, code),
      );
    }
  }
  expect(value("sluice_in_flight_requests")).toBe(0);
  expect(value("sluice_retries_total")).toBe(1);
  expect(value('sluice_request_outcomes_total{outcome="ok"}')).toBe(json.outcomes.ok);
  expect(value("sluice_request_bytes_total")).toBe(json.totals.bytesIn);
  expect(value("sluice_response_bytes_total")).toBe(json.totals.bytesOut);
});

test("tokens and cost per model agree with the JSON snapshot", () => {
  for (const row of json.byModel) {
    const model = `model="${row.key}"`;
    expect(value(`sluice_model_requests_total{${model}}`)).toBe(row.requests);
    expect(value(`sluice_tokens_total{${model},kind="input"}`)).toBe(row.tokens.input);
    expect(value(`sluice_tokens_total{${model},kind="output"}`)).toBe(row.tokens.output);
    expect(value(`sluice_tokens_total{${model},kind="cache_write"}`)).toBe(row.tokens.cacheWrite);
    expect(value(`sluice_tokens_total{${model},kind="cache_read"}`)).toBe(row.tokens.cacheRead);
    expect(value(`sluice_cost_usd_total{${model}}`)).toBe(row.costUsd);
  }
  for (const row of json.byClient) {
    expect(value(`sluice_client_requests_total{client="${row.key}"}`)).toBe(row.requests);
  }
});

test("the latency histograms count every request", () => {
  expect(value("sluice_request_duration_seconds_count")).toBe(sent.length);
  expect(value('sluice_request_duration_seconds_bucket{le="+Inf"}')).toBe(sent.length);
  expect(value("sluice_time_to_first_byte_seconds_count")).toBe(sent.length);
  expect(value("sluice_request_duration_seconds_sum")).toBeGreaterThan(0);
});

test("sessions, request ids and keys never become labels", () => {
  for (const secret of [SESSION_1, SESSION_2, "key-alice", "key-bob", ...sent.map((s) => s.id)]) {
    expect(text).not.toContain(secret);
  }
  expect(text).toContain("sluice_dashboard_streams_open 0");
  expect(text).toContain("# TYPE sluice_scrub_detector_hits_total counter");
});
