// GET /metrics after a known sequence of requests: every count, byte, token and dollar equals
// what the clients themselves sent and received, in the totals, the per-second series, every
// breakdown and the recent-requests list.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { MetricsView } from "../../src/metrics/hub.ts";
import type { BreakdownRow } from "../../src/metrics/snapshot.ts";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import {
  KNOWN_KEYS,
  SESSION_1,
  SESSION_2,
  type Sent,
  SLOW_MS,
  sendKnownTraffic,
} from "../helpers/known-traffic.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

const ADMIN_KEY = "metrics-json-admin-key";
let mock: MockServer;
let sluice: TestSluice;
let sent: Sent[];
let m: MetricsView;
let t0: number;

beforeAll(async () => {
  mock = startMockUpstream({ port: 0 });
  sluice = await startSluice(
    {
      SLUICE_ANTHROPIC_BASE_URL: mock.url,
      SLUICE_OPENAI_BASE_URL: mock.url,
      SLUICE_GEMINI_BASE_URL: mock.url,
      SLUICE_API_KEYS: KNOWN_KEYS,
      SLUICE_RETRY_MAX: "1",
      SLUICE_ADMIN_KEY: ADMIN_KEY,
    },
    { admin: true },
  );
  t0 = Date.now();
  sent = await sendKnownTraffic(sluice.url);
  await sluice.waitForExchanges(sent.length);
  m = (await (await fetch(`${sluice.adminUrl}/metrics?recent=500`)).json()) as MetricsView;
}, 20_000);
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
});

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const tokensOf = (list: Sent[]) => ({
  input: sum(list.map((s) => s.usage?.inputTokens ?? 0)),
  output: sum(list.map((s) => s.usage?.outputTokens ?? 0)),
  outputEstimated: 0,
  cacheWrite: sum(list.map((s) => s.usage?.cacheWriteTokens ?? 0)),
  cacheWrite1h: sum(list.map((s) => s.usage?.cacheWrite1hTokens ?? 0)),
  cacheRead: sum(list.map((s) => s.usage?.cacheReadTokens ?? 0)),
  reasoning: sum(list.map((s) => s.usage?.reasoningTokens ?? 0)),
});
/** Dollars to a millionth of a cent: the hand-worked literals and sluice's float sums agree to that. */
const usd = (x: number) => Math.round(x * 1e8) / 1e8;
const costOf = (list: Sent[]) => usd(list.reduce((a, s) => a + (s.costUsd ?? 0), 0));
const roundCost = <T extends { costUsd: number }>(rows: T[]) =>
  rows.map((r) => ({ ...r, costUsd: usd(r.costUsd) }));
const isError = (s: Sent) => s.status >= 400;

/** The breakdown rows the traffic should produce, keyed like the recorder keys them. */
function expectedRows(key: (s: Sent) => string | undefined) {
  const groups = new Map<string, Sent[]>();
  for (const s of sent) {
    const k = key(s);
    if (k !== undefined) groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  return [...groups].map(([k, list]) => {
    const tokens = tokensOf(list);
    const prompt = tokens.input + tokens.cacheWrite + tokens.cacheRead;
    return {
      key: k,
      requests: list.length,
      errors: list.filter(isError).length,
      tokens,
      costUsd: costOf(list),
      unpricedRequests: list.filter((s) => s.usage && s.costUsd === undefined).length,
      cacheHitRatio: prompt > 0 ? tokens.cacheRead / prompt : null,
    };
  });
}
const withoutTimes = (rows: BreakdownRow[]) =>
  roundCost(rows.map(({ firstSeenAt: _f, lastSeenAt: _l, ...rest }) => rest)).sort((a, b) =>
    a.key.localeCompare(b.key),
  );
const sorted = <T extends { key: string }>(rows: T[]) => [...rows].sort((a, b) => a.key.localeCompare(b.key));

test("the traffic went as planned (every API, a retry, an upstream 400 and a refused key)", () => {
  expect(sent.map((s) => s.status)).toEqual([200, 200, 200, 200, 200, 400, 200, 401, 200]);
  expect(sent.filter((s) => s.usage).length).toBe(7);
  expect(sent.every((s) => s.id !== "")).toBe(true);
});

test("totals equal what the clients sent and received", () => {
  const tokens = tokensOf(sent);
  // Seven answers: 5 + 5 + 10 x 5 uncached input, 13 output each, one cache write and one read of 5.
  expect(tokens).toEqual({
    input: 60,
    output: 91,
    outputEstimated: 0,
    cacheWrite: 5,
    cacheWrite1h: 0,
    cacheRead: 5,
    reasoning: 0,
  });
  // 228.75 + 211.5 + 75 + 24.8 + 35.5 + 75 + 75 = 725.55 per million.
  expect(costOf(sent)).toBe(0.00072555);
  expect({ ...m.totals, costUsd: usd(m.totals.costUsd) }).toEqual({
    requests: sent.length,
    errors: 2,
    clientClosed: 0,
    inFlight: 0,
    retries: 1,
    bytesIn: sum(sent.map((s) => s.bytesIn)),
    bytesOut: sum(sent.map((s) => s.bytesOut)),
    tokens,
    costUsd: costOf(sent),
    unpricedRequests: 0,
    scrubHits: 0,
  });
});

test("status codes and outcomes are counted per request", () => {
  expect(m.statusCodes).toEqual({ "200": 7, "400": 1, "401": 1 });
  expect(m.outcomes).toEqual({ ok: 8, error: 1, incomplete: 0, client_closed: 0 });
});

test("the per-second series add up to the totals", () => {
  const s = m.series;
  expect(s.stepSec).toBe(1);
  expect(s.requests).toHaveLength(m.latency.windowSeconds);
  expect(s.startSec + s.requests.length - 1).toBe(Math.floor(m.generatedAt / 1000));
  expect(sum(s.requests)).toBe(m.totals.requests);
  expect(sum(s.errors)).toBe(m.totals.errors);
  expect(sum(s.outputTokens)).toBe(m.totals.tokens.output);
  expect(sum(s.bytesIn)).toBe(m.totals.bytesIn);
  expect(sum(s.bytesOut)).toBe(m.totals.bytesOut);
  expect(Math.max(...s.inFlight)).toBeGreaterThanOrEqual(1);
  expect(s.latencyP50Ms.some((v) => v !== null)).toBe(true);
});

test("latency and TTFB percentiles cover every request and see the slow one", () => {
  const l = m.latency;
  expect(l.requests).toBe(sent.length);
  expect(l.ttfbRequests).toBe(sent.length);
  const { p50, p90, p99 } = l.latencyMs;
  expect(p50).not.toBeNull();
  expect(p50!).toBeLessThanOrEqual(p90!);
  expect(p90!).toBeLessThanOrEqual(p99!);
  expect(p99!).toBeGreaterThanOrEqual(SLOW_MS);
  expect(l.ttfbMs.p99!).toBeGreaterThanOrEqual(SLOW_MS);
  expect(l.ttfbMs.p50!).toBeLessThanOrEqual(l.ttfbMs.p99!);
});

test("breakdowns by model, upstream and client match the traffic exactly", () => {
  expect(withoutTimes(m.byModel)).toEqual(sorted(expectedRows((s) => s.model ?? "unknown")));
  expect(withoutTimes(m.byUpstream)).toEqual(sorted(expectedRows((s) => s.upstream)));
  expect(withoutTimes(m.byClient)).toEqual(sorted(expectedRows((s) => s.client ?? "anonymous")));
  for (const r of [...m.byModel, ...m.byUpstream, ...m.byClient]) {
    expect(r.firstSeenAt).toBeGreaterThanOrEqual(t0);
    expect(r.lastSeenAt).toBeGreaterThanOrEqual(r.firstSeenAt);
  }
});

test("Claude Code sessions get their tokens, cost and cache-hit ratio", () => {
  const expected = sorted(expectedRows((s) => s.session));
  expect(expected.map((r) => r.key).sort()).toEqual([SESSION_1, SESSION_2].sort());
  expect(withoutTimes(m.bySession)).toEqual(expected);
  const first = m.bySession.find((r) => r.key === SESSION_1)!;
  expect(first.requests).toBe(2);
  expect(first.cacheHitRatio).toBeGreaterThan(0);
  expect(m.bySession[0]!.lastSeenAt).toBeGreaterThanOrEqual(m.bySession[1]!.lastSeenAt);
});

test("recent requests list every request, newest first, with what the client saw", () => {
  expect(m.recent.map((r) => r.id)).toEqual(sent.map((s) => s.id).reverse());
  for (const r of m.recent) {
    const s = sent.find((x) => x.id === r.id)!;
    expect(r.status).toBe(s.status);
    expect(r.client).toBe(s.client);
    expect(r.sessionId).toBe(s.session);
    expect(r.model).toBe(s.model);
    expect(r.upstream).toBe(s.upstream);
    expect(r.bytesIn).toBe(s.bytesIn);
    expect(r.bytesOut).toBe(s.bytesOut);
    expect(r.usage).toEqual(s.usage);
    expect(r.costUsd === undefined ? undefined : usd(r.costUsd)).toBe(s.costUsd);
    expect(r.retries).toBe(s.retries);
    expect(r.durationMs).toBeGreaterThanOrEqual(r.ttfbMs!);
  }
});

test("no prompt text and no key ever appears in the snapshot", () => {
  const text = JSON.stringify(m);
  expect(text).not.toContain("count the secrets");
  expect(text).not.toContain("key-alice");
  expect(text).not.toContain("key-bob");
});

test("limits, labelled counters and extras are reported", () => {
  expect(m.limits).toEqual({ maxKeysPerBreakdown: 200, sessionsEvicted: 0, recentCapacity: 500 });
  expect(m.scrubHitsByDetector).toEqual({});
  expect(m.translationDrops).toEqual({});
  expect(m.extra.dashboard_streams_open).toBe(0);
  expect(m.uptimeSeconds).toBeGreaterThanOrEqual(0);
});

test("?recent limits the list; the main port with the admin key shows the same numbers", async () => {
  const few = (await (await fetch(`${sluice.adminUrl}/metrics?recent=2`)).json()) as MetricsView;
  expect(few.recent.map((r) => r.id)).toEqual(m.recent.slice(0, 2).map((r) => r.id));
  const viaMain = await fetch(`${sluice.url}/metrics?recent=0`, {
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  });
  expect(viaMain.status).toBe(200);
  expect(viaMain.headers.get("cache-control")).toBe("no-store");
  const main = (await viaMain.json()) as MetricsView;
  expect(main.recent).toEqual([]);
  expect(main.totals).toEqual(m.totals);
  expect(main.byModel).toEqual(m.byModel);
});
