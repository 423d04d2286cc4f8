// Keys: the internal key never leaves sluice; an override key replaces every client key.
import { afterEach, describe, expect, test } from "bun:test";
import { MSG } from "../helpers/config.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";

let upstream: TestUpstream | undefined;
let sluice: TestSluice | undefined;
afterEach(async () => {
  await sluice?.stop();
  await upstream?.stop();
  sluice = upstream = undefined;
});

async function setup(env: Record<string, string>) {
  upstream = startUpstream(() => Response.json({ ok: true }));
  sluice = await startSluice({
    SLUICE_ANTHROPIC_BASE_URL: upstream.url,
    SLUICE_OPENAI_BASE_URL: upstream.url,
    SLUICE_GEMINI_BASE_URL: upstream.url,
    ...env,
  });
  return sluice;
}

const allHeaders = (s: { headers: Headers }) => JSON.stringify([...s.headers.entries()]);

describe("keys", () => {
  test("the internal key is accepted in every header style and never forwarded", async () => {
    const proxy = await setup({
      SLUICE_API_KEYS: "ci=sk-internal-CANARY",
      SLUICE_ANTHROPIC_API_KEY: "sk-ant-real",
    });
    for (const headers of <Record<string, string>[]>[
      { authorization: "Bearer sk-internal-CANARY" },
      { "x-api-key": "sk-internal-CANARY" },
      { "x-goog-api-key": "sk-internal-CANARY" },
    ]) {
      const r = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: MSG, headers });
      expect(r.status).toBe(200);
    }
    for (const s of upstream!.seen) {
      expect(allHeaders(s)).not.toContain("CANARY");
      expect(s.headers.get("x-api-key")).toBe("sk-ant-real");
    }
    const [ex] = await proxy.waitForExchanges(1);
    expect(ex?.client).toBe("ci");
  });

  test("without an override key the internal key is stripped and nothing replaces it", async () => {
    const proxy = await setup({ SLUICE_API_KEYS: "sk-internal-CANARY" });
    await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      body: "{}",
      headers: { authorization: "Bearer sk-internal-CANARY" },
    });
    expect(allHeaders(upstream!.seen[0]!)).not.toContain("CANARY");
    expect(upstream!.seen[0]!.headers.has("authorization")).toBe(false);
  });

  test("an override key replaces the client's key headers and ?key=", async () => {
    const proxy = await setup({ SLUICE_GEMINI_API_KEY: "g-real", SLUICE_OPENAI_API_KEY: "o-real" });
    await fetch(`${proxy.url}/v1beta/models/gemini-2.5-flash:generateContent?key=CLIENTKEY&alt=sse`, {
      method: "POST",
      body: "{}",
      headers: { "x-goog-api-key": "CLIENTKEY", authorization: "Bearer CLIENTKEY" },
    });
    const g = upstream!.seen[0]!;
    expect(g.url).not.toContain("CLIENTKEY");
    expect(g.url).toEndWith("?alt=sse");
    expect(g.headers.get("x-goog-api-key")).toBe("g-real");
    expect(allHeaders(g)).not.toContain("CLIENTKEY");
    await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      body: "{}",
      headers: { authorization: "Bearer CLIENTKEY" },
    });
    expect(upstream!.seen[1]!.headers.get("authorization")).toBe("Bearer o-real");
  });

  test("without gate or override the client's own key passes through untouched", async () => {
    const proxy = await setup({});
    await fetch(`${proxy.url}/v1/messages`, {
      method: "POST",
      body: MSG,
      headers: { "x-api-key": "sk-ant-client" },
    });
    expect(upstream!.seen[0]!.headers.get("x-api-key")).toBe("sk-ant-client");
  });
});
