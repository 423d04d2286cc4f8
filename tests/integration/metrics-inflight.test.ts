// In-flight requests show on /metrics while they last, and a client that leaves mid-answer is
// counted apart from errors.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { MetricsView } from "../../src/metrics/hub.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { controlledStream, sseHeaders } from "../helpers/stream.ts";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";

let upstream: TestUpstream;
let sluice: TestSluice;
let release: () => void = () => undefined;
const streams: ReturnType<typeof controlledStream>[] = [];

beforeAll(async () => {
  upstream = startUpstream(async (req) => {
    if (req.headers.get("x-test") === "hold") {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return Response.json({ model: "claude-haiku-4-5", usage: { input_tokens: 3, output_tokens: 4 } });
    }
    const s = controlledStream();
    streams.push(s);
    s.send('event: message_start\ndata: {"type":"message_start","message":{"model":"claude-haiku-4-5"}}\n\n');
    return new Response(s.stream, { headers: sseHeaders });
  });
  sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: upstream.url }, { admin: true });
});
afterAll(async () => {
  await sluice.stop();
  await upstream.stop();
});

const metrics = async () => (await (await fetch(`${sluice.adminUrl}/metrics`)).json()) as MetricsView;
const post = (headers: Record<string, string>, signal?: AbortSignal) =>
  fetch(`${sluice.url}/v1/messages`, {
    method: "POST",
    headers: { "anthropic-version": "2023-06-01", ...headers },
    body: JSON.stringify({
      model: "claude-haiku-4-5",
      max_tokens: 10,
      messages: [{ role: "user", content: "hi" }],
    }),
    ...(signal ? { signal } : {}),
  });

test("a request waiting on upstream is in flight until it finishes", async () => {
  const pending = post({ "x-test": "hold" });
  for (let i = 0; i < 500 && upstream.seen.length === 0; i++) await Bun.sleep(5);
  const during = await metrics();
  expect(during.totals.inFlight).toBe(1);
  expect(during.totals.requests).toBe(0);
  expect(during.series.inFlight.at(-1)).toBe(1);
  const prom = await (await fetch(`${sluice.adminUrl}/metrics/prometheus`)).text();
  expect(prom).toContain("\nsluice_in_flight_requests 1\n");
  release();
  await (await pending).arrayBuffer();
  await sluice.waitForExchanges(1);
  const after = await metrics();
  expect(after.totals.inFlight).toBe(0);
  expect(after.totals.requests).toBe(1);
  expect(after.totals.tokens.output).toBe(4);
});

test("a client that leaves mid-stream counts as client-closed, not as an error", async () => {
  const controller = new AbortController();
  const r = await post({}, controller.signal);
  const reader = r.body!.getReader();
  await reader.read();
  controller.abort();
  await sluice.waitForExchanges(2);
  const m = await metrics();
  expect(m.totals.inFlight).toBe(0);
  expect(m.totals.clientClosed).toBe(1);
  expect(m.totals.errors).toBe(0);
  expect(m.outcomes.client_closed).toBe(1);
  expect(m.recent[0]!.outcome).toBe("client_closed");
});
