// GET /metrics/stream: Server-Sent Events carrying a fresh snapshot about every second, the first
// one at once, and the stream ends on sluice's side as soon as the client leaves.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { MetricsView } from "../../src/metrics/hub.ts";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { SseDecoder } from "../../src/sse/parse.ts";
import type { SseEvent } from "../../src/sse/types.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

let mock: MockServer;
let sluice: TestSluice;
beforeAll(async () => {
  mock = startMockUpstream({ port: 0 });
  sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: mock.url }, { admin: true });
});
afterAll(async () => {
  await sluice.stop();
  await mock.stop();
});

/** Reads a stream event by event. */
async function openStream(path = "/metrics/stream") {
  const controller = new AbortController();
  const r = await fetch(`${sluice.adminUrl}${path}`, { signal: controller.signal });
  const reader = r.body!.getReader();
  const decoder = new SseDecoder();
  const queue: SseEvent[] = [];
  return {
    response: r,
    async next(): Promise<SseEvent> {
      while (queue.length === 0) {
        const { done, value } = await reader.read();
        if (done) throw new Error("stream ended");
        queue.push(...decoder.push(value));
      }
      return queue.shift()!;
    },
    close: () => controller.abort(),
  };
}

const openStreams = async () =>
  ((await (await fetch(`${sluice.adminUrl}/metrics?recent=0`)).json()) as MetricsView).extra
    .dashboard_streams_open ?? -1;

const message = () =>
  fetch(`${sluice.url}/v1/messages`, {
    method: "POST",
    headers: { "anthropic-version": "2023-06-01" },
    body: JSON.stringify({
      model: "claude-haiku-4-5",
      max_tokens: 50,
      messages: [{ role: "user", content: "hi" }],
    }),
  }).then((r) => r.arrayBuffer());

test("the stream is text/event-stream and its first snapshot comes at once", async () => {
  const stream = await openStream();
  expect(stream.response.status).toBe(200);
  expect(stream.response.headers.get("content-type")).toStartWith("text/event-stream");
  const first = await stream.next();
  expect(first.event).toBe("snapshot");
  expect(first.retry).toBe(2000);
  const view = JSON.parse(first.data) as MetricsView;
  expect(view.totals.requests).toBe(0);
  expect(view.series.requests.length).toBe(view.latency.windowSeconds);
  stream.close();
});

test("later snapshots show traffic that happened in between", async () => {
  const stream = await openStream();
  const before = JSON.parse((await stream.next()).data) as MetricsView;
  await message();
  let seen = before.totals.requests;
  for (let i = 0; i < 5 && seen === before.totals.requests; i++) {
    const ev = await stream.next();
    expect(ev.event).toBe("snapshot");
    seen = (JSON.parse(ev.data) as MetricsView).totals.requests;
  }
  expect(seen).toBe(before.totals.requests + 1);
  stream.close();
}, 10_000);

test("?recent bounds the recent requests each event carries", async () => {
  await message();
  await message();
  const stream = await openStream("/metrics/stream?recent=1");
  const view = JSON.parse((await stream.next()).data) as MetricsView;
  expect(view.totals.requests).toBeGreaterThanOrEqual(2);
  expect(view.recent).toHaveLength(1);
  stream.close();
});

test("a client that leaves ends its stream on sluice's side", async () => {
  const a = await openStream();
  const b = await openStream();
  await a.next();
  await b.next();
  expect(await openStreams()).toBe(2);
  a.close();
  b.close();
  for (let i = 0; i < 200 && (await openStreams()) > 0; i++) await Bun.sleep(10);
  expect(await openStreams()).toBe(0);
});

test("on the main port a dashboard stream outlives the client idle timeout", async () => {
  const main = await startSluice({ SLUICE_ADMIN_KEY: "stream-key", SLUICE_CLIENT_TIMEOUT: "1" });
  try {
    const r = await fetch(`${main.url}/metrics/stream`, { headers: { "x-api-key": "stream-key" } });
    expect(r.status).toBe(200);
    const reader = r.body!.getReader();
    const decoder = new SseDecoder();
    let events = 0;
    // Seven events span six seconds or more; Bun's idle timer (4 s ticks) cuts a 1 s idler by then.
    while (events < 7) {
      const { done, value } = await reader.read();
      expect(done).toBe(false);
      events += decoder.push(value!).length;
    }
    await reader.cancel();
  } finally {
    await main.stop();
  }
}, 15_000);
