// Overload answers and connect failures are retried before anything reached the client;
// nothing is retried once the answer started.
import { afterEach, describe, expect, test } from "bun:test";
import { MSG } from "../helpers/config.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { until } from "../helpers/stream.ts";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";

let upstream: TestUpstream | undefined;
let sluice: TestSluice | undefined;
afterEach(async () => {
  await sluice?.stop();
  await upstream?.stop();
  sluice = upstream = undefined;
});

const overloaded = (retryAfter?: string) =>
  Response.json(
    { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
    { status: 529, headers: retryAfter ? { "retry-after": retryAfter } : {} },
  );

async function setup(statuses: (() => Response)[], env: Record<string, string> = {}) {
  let n = 0;
  upstream = startUpstream(() =>
    (statuses[Math.min(n++, statuses.length - 1)] ?? (() => Response.json({})))(),
  );
  sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: upstream.url, ...env });
  return sluice;
}

describe("retries", () => {
  test("529 then 503 then 200: the client gets the 200, the log counts two retries", async () => {
    const proxy = await setup([
      () => overloaded(),
      () => new Response("busy", { status: 503 }),
      () => Response.json({ id: "msg_1" }),
    ]);
    const r = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: MSG });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ id: "msg_1" });
    expect(upstream!.seen.map((s) => s.body)).toEqual([MSG, MSG, MSG]);
    const [ex] = await proxy.waitForExchanges(1);
    expect(ex?.retries).toBe(2);
  });

  test("after the last retry the upstream's own overload answer is passed on", async () => {
    const proxy = await setup([() => overloaded()], { SLUICE_RETRY_MAX: "2" });
    const r = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: MSG });
    expect(r.status).toBe(529);
    expect((await r.json()).error.type).toBe("overloaded_error");
    expect(upstream!.seen.length).toBe(3);
  });

  test("retry-after is honoured", async () => {
    const proxy = await setup([() => overloaded("1"), () => Response.json({})]);
    const t0 = performance.now();
    const r = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: MSG });
    expect(r.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(990);
  });

  test("a retry-after longer than the cap is not waited for", async () => {
    const proxy = await setup([() => overloaded("3600"), () => Response.json({})]);
    const r = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: MSG });
    expect(r.status).toBe(529);
    expect(upstream!.seen.length).toBe(1);
  });

  test("other errors are not retried", async () => {
    const proxy = await setup([() => new Response("bad", { status: 500 }), () => Response.json({})]);
    const r = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: MSG });
    expect(r.status).toBe(500);
    expect(upstream!.seen.length).toBe(1);
  });

  test("a client that leaves during the wait cancels the retry", async () => {
    const proxy = await setup([() => overloaded("2"), () => Response.json({})]);
    const ac = new AbortController();
    const pending = fetch(`${proxy.url}/v1/messages`, {
      method: "POST",
      body: MSG,
      signal: ac.signal,
    }).catch(() => null);
    await until(() => upstream!.seen.length === 1);
    ac.abort();
    await pending;
    // The exchange ends only once the retry loop has given up, so by now a retry would
    // already have reached upstream (and been counted): no need to sleep past retry-after.
    const [ex] = await proxy.waitForExchanges(1);
    expect(ex?.outcome).toBe("client_closed");
    expect(ex?.retries).toBe(0);
    expect(upstream!.seen.length).toBe(1);
  });

  test("an overload error inside a 200 stream passes through and is not retried", async () => {
    const events =
      'event: message_start\ndata: {"type":"message_start"}\n\n' +
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
    const proxy = await setup([
      () => new Response(events, { headers: { "content-type": "text/event-stream" } }),
    ]);
    const r = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: MSG });
    expect(await r.text()).toBe(events);
    expect(upstream!.seen.length).toBe(1);
  });
});
