// Key pools: SLUICE_ANTHROPIC_API_KEY=k1,k2 spreads calls over the keys; a key answered 429
// rests and the same call moves on to another key at once; a key answered 401/403 is taken out
// and logged once by its fingerprint; when every key rests the client gets 429 with the soonest
// retry-after instead of a wait. Against a fake upstream that fails on command per key.
import { afterEach, describe, expect, test } from "bun:test";
import { createLogger } from "../../src/log.ts";
import { fingerprint } from "../../src/resilience/pools.ts";
import { MSG } from "../helpers/config.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { byKey, keyOf, type Scripted, startUpstream, type TestUpstream } from "../helpers/upstream.ts";

let upstream: TestUpstream | undefined;
let sluice: TestSluice | undefined;
let lines: string[] = [];
afterEach(async () => {
  await sluice?.stop();
  await upstream?.stop();
  sluice = upstream = undefined;
  lines = [];
});

const message = () => Response.json({ id: "msg_1", type: "message", content: [] });
const SSE =
  'event: message_start\ndata: {"type":"message_start","message":{"id":"m","usage":{"input_tokens":1}}}\n\n' +
  'event: message_stop\ndata: {"type":"message_stop"}\n\n';
const answer = (_req: Request, seen: { body: string }) =>
  JSON.parse(seen.body).stream === true
    ? new Response(SSE, { headers: { "content-type": "text/event-stream" } })
    : message();

async function setup(script: Record<string, Scripted[]>, keys = "sk-a,sk-b") {
  upstream = startUpstream(byKey(script, answer));
  sluice = await startSluice(
    { SLUICE_ANTHROPIC_BASE_URL: upstream.url, SLUICE_ANTHROPIC_API_KEY: keys },
    { log: createLogger({ level: "info", format: "json", write: (l) => lines.push(l) }) },
  );
  return sluice;
}

const post = (proxy: TestSluice, body = MSG) =>
  fetch(`${proxy.url}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": "sk-client" },
    body,
  });
const keysSeen = () => upstream!.seen.map((s) => keyOf(s.headers));

describe("key pools", () => {
  test("calls spread over the healthy keys in turn, and never carry the client's key", async () => {
    const proxy = await setup({});
    for (let i = 0; i < 4; i++) expect((await post(proxy)).status).toBe(200);
    expect(keysSeen()).toEqual(["sk-a", "sk-b", "sk-a", "sk-b"]);
  });

  test("a key answered 429 rests: the same call moves on to the other key at once", async () => {
    const proxy = await setup({ "sk-a": [{ status: 429, retryAfter: "30" }] });
    const r = await post(proxy);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ id: "msg_1" });
    expect(keysSeen()).toEqual(["sk-a", "sk-b"]);
    // While it rests, every call goes to the other key.
    for (let i = 0; i < 3; i++) expect((await post(proxy)).status).toBe(200);
    expect(keysSeen().slice(2)).toEqual(["sk-b", "sk-b", "sk-b"]);
    const [ex] = await proxy.waitForExchanges(1);
    expect(ex?.retries).toBe(1);
    expect(lines.join("\n")).toContain(fingerprint("sk-a"));
    const health = await (await fetch(`${proxy.url}/health`)).json();
    expect(health.targets.anthropic).toMatchObject({ keys: 2, out: [] });
    expect(health.targets.anthropic.resting).toHaveLength(1);
    expect(health.targets.anthropic.resting[0].key).toBe(fingerprint("sk-a"));
    expect(health.targets.anthropic.resting[0].seconds).toBeGreaterThan(20);
    expect(JSON.stringify(health)).not.toContain("sk-a");
  });

  test("a streamed call moves on the same way, and the stream arrives whole", async () => {
    const proxy = await setup({ "sk-a": [429] });
    const r = await post(proxy, JSON.stringify({ ...JSON.parse(MSG), stream: true }));
    expect(r.status).toBe(200);
    expect(await r.text()).toBe(SSE);
    expect(keysSeen()).toEqual(["sk-a", "sk-b"]);
  });

  test("every key resting: the upstream's own 429, with the soonest retry-after of all keys", async () => {
    const proxy = await setup({
      "sk-a": [{ status: 429, retryAfter: "20" }],
      "sk-b": [{ status: 429, retryAfter: "40" }],
    });
    const first = await post(proxy);
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("20");
    expect((await first.json()).error.message).toBe("scripted 429");
    // Then sluice answers itself, without a wait and without asking upstream again.
    const second = await post(proxy);
    expect(second.status).toBe(429);
    expect(second.headers.get("x-sluice-error")).toBe("upstream_rate_limited");
    expect(Number(second.headers.get("retry-after"))).toBeLessThanOrEqual(20);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(15);
    expect((await second.json()).error).toMatchObject({ type: "rate_limit_error" });
    expect(upstream!.seen).toHaveLength(2);
  });

  test("a key answered 401 is taken out, logged once by fingerprint, never by value", async () => {
    const proxy = await setup({ "sk-a": [401] });
    for (let i = 0; i < 3; i++) expect((await post(proxy)).status).toBe(200);
    expect(keysSeen()).toEqual(["sk-a", "sk-b", "sk-b", "sk-b"]);
    const refused = lines.filter((l) => l.includes("taken out"));
    expect(refused).toHaveLength(1);
    expect(JSON.parse(refused[0]!)).toMatchObject({
      key: fingerprint("sk-a"),
      status: 401,
      target: "anthropic",
    });
    expect(lines.join("\n")).not.toContain("sk-a");
  });

  test("every key refused: the upstream's last 403 once, then sluice's 502 naming the fix", async () => {
    const proxy = await setup({ "sk-a": [403], "sk-b": [403] });
    expect((await post(proxy)).status).toBe(403);
    const after = await post(proxy);
    expect(after.status).toBe(502);
    expect(after.headers.get("x-sluice-error")).toBe("upstream_keys_refused");
    expect((await after.json()).error.message).toContain("reload");
    expect(upstream!.seen).toHaveLength(2);
  });

  test("a reload brings refused keys back", async () => {
    const proxy = await setup({ "sk-a": [401, 200] }, "sk-a");
    expect((await post(proxy)).status).toBe(401);
    expect((await post(proxy)).status).toBe(502);
    proxy.app.reload(proxy.config);
    expect((await post(proxy)).status).toBe(200);
  });

  test("without keys of sluice's own, the client's 429 and 401 pass through untouched", async () => {
    upstream = startUpstream(byKey({ "sk-client": [{ status: 429, retryAfter: "7" }, 401] }, answer));
    sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: upstream.url });
    const limited = await post(sluice);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect((await post(sluice)).status).toBe(401);
    expect((await post(sluice)).status).toBe(401);
    expect(upstream.seen).toHaveLength(3);
  });
});
