// x-sluice-key: the gate accepts the internal key in its own header, and a client that sends it
// that way keeps its own Authorization / x-api-key (a Claude subscription token, a per-user
// provider key), which goes upstream when sluice has no upstream key. The internal key itself is
// never forwarded, however it was sent.
import { afterEach, describe, expect, test } from "bun:test";
import { MSG } from "../helpers/config.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";

const INTERNAL = "sk-sluice-internal-alice";
let upstream: TestUpstream | undefined;
let sluice: TestSluice | undefined;
afterEach(async () => {
  await sluice?.stop();
  await upstream?.stop();
  sluice = upstream = undefined;
});

async function setup(env: Record<string, string> = {}) {
  upstream = startUpstream(() => Response.json({ id: "msg_1", type: "message", content: [] }));
  sluice = await startSluice({
    SLUICE_ANTHROPIC_BASE_URL: upstream.url,
    SLUICE_OPENAI_BASE_URL: upstream.url,
    SLUICE_GEMINI_BASE_URL: upstream.url,
    SLUICE_API_KEYS: `alice=${INTERNAL}`,
    ...env,
  });
  return sluice;
}

const send = (proxy: TestSluice, headers: Record<string, string>, path = "/v1/messages") =>
  fetch(`${proxy.url}${path}`, { method: "POST", headers, body: MSG });
/** Every header value the upstream saw, as one string. */
const seenHeaders = (i = 0) => JSON.stringify(Object.fromEntries(upstream!.seen[i]!.headers));

describe("x-sluice-key", () => {
  test("a subscription token in Authorization goes upstream; the internal key does not", async () => {
    const proxy = await setup();
    const r = await send(proxy, {
      "x-sluice-key": INTERNAL,
      authorization: "Bearer sk-ant-oat01-subscription",
    });
    expect(r.status).toBe(200);
    const h = upstream!.seen[0]!.headers;
    expect(h.get("authorization")).toBe("Bearer sk-ant-oat01-subscription");
    expect(h.has("x-sluice-key")).toBe(false);
    expect(seenHeaders()).not.toContain(INTERNAL);
    const [ex] = await proxy.waitForExchanges(1);
    expect(ex?.client).toBe("alice");
  });

  test("a per-user x-api-key is kept the same way, and a Gemini ?key= too", async () => {
    const proxy = await setup();
    await send(proxy, { "x-sluice-key": INTERNAL, "x-api-key": "sk-ant-user-bob" });
    expect(upstream!.seen[0]!.headers.get("x-api-key")).toBe("sk-ant-user-bob");
    const gem = await fetch(`${proxy.url}/v1beta/models/gemini-2.5-flash:generateContent?key=g-user`, {
      method: "POST",
      headers: { "x-sluice-key": INTERNAL },
      body: "{}",
    });
    expect(gem.status).toBe(200);
    expect(new URL(upstream!.seen[1]!.url).searchParams.get("key")).toBe("g-user");
  });

  test("with an upstream key configured, sluice's key replaces the client's", async () => {
    const proxy = await setup({ SLUICE_ANTHROPIC_API_KEY: "sk-ant-sluice" });
    await send(proxy, { "x-sluice-key": INTERNAL, authorization: "Bearer sk-ant-oat01-subscription" });
    const h = upstream!.seen[0]!.headers;
    expect(h.get("x-api-key")).toBe("sk-ant-sluice");
    expect(h.has("authorization")).toBe(false);
  });

  test("a wrong x-sluice-key is refused before any upstream is asked, and says which headers work", async () => {
    const proxy = await setup();
    const r = await send(proxy, {
      "x-sluice-key": "nope",
      authorization: "Bearer sk-ant-oat01-subscription",
    });
    expect(r.status).toBe(401);
    expect((await r.json()).error.message).toContain("x-sluice-key");
    expect(upstream!.seen).toHaveLength(0);
  });

  test("the internal key in Authorization is never forwarded, with or without x-sluice-key", async () => {
    const proxy = await setup();
    await send(proxy, { authorization: `Bearer ${INTERNAL}` });
    await send(proxy, { "x-sluice-key": INTERNAL, authorization: `Bearer ${INTERNAL}` });
    await send(proxy, { "x-sluice-key": INTERNAL, "x-api-key": INTERNAL, authorization: "Bearer other" });
    expect(upstream!.seen).toHaveLength(3);
    for (let i = 0; i < 3; i++) {
      expect(seenHeaders(i)).not.toContain(INTERNAL);
      expect(upstream!.seen[i]!.headers.has("authorization")).toBe(false);
    }
  });

  test("without a gate, x-sluice-key is dropped and the client's own key passes as always", async () => {
    upstream = startUpstream(() => Response.json({}));
    sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: upstream.url });
    await send(sluice, { "x-sluice-key": "whatever", "x-api-key": "sk-ant-own" });
    expect(upstream.seen[0]!.headers.has("x-sluice-key")).toBe(false);
    expect(upstream.seen[0]!.headers.get("x-api-key")).toBe("sk-ant-own");
  });
});
