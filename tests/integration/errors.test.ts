// Errors sluice makes itself come in the client's API format with the right status and a
// request id, and never reach (or hang on) the upstream.
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

async function withUpstream(
  env: Record<string, string> = {},
  handler: () => Response | Promise<Response> = () => Response.json({ ok: true }),
) {
  upstream = startUpstream(handler);
  sluice = await startSluice({
    SLUICE_ANTHROPIC_BASE_URL: upstream.url,
    SLUICE_OPENAI_BASE_URL: upstream.url,
    SLUICE_GEMINI_BASE_URL: upstream.url,
    ...env,
  });
  return sluice;
}

/** A port nothing listens on, and no test server can take (privileged). */
async function deadPort(): Promise<number> {
  return 1;
}

describe("sluice's own errors", () => {
  test("a body over the limit gets 413 in each client's format, before upstream is contacted", async () => {
    const proxy = await withUpstream({ SLUICE_MAX_BODY_BYTES: "1000" });
    const big = "x".repeat(2000);
    const a = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: big });
    expect(a.status).toBe(413);
    expect(await a.json()).toMatchObject({ type: "error", error: { type: "request_too_large" } });
    const o = await fetch(`${proxy.url}/v1/chat/completions`, { method: "POST", body: big });
    expect(o.status).toBe(413);
    expect((await o.json()).error.message).toContain("exceeds 1000 bytes");
    const g = await fetch(`${proxy.url}/v1beta/models/x:generateContent`, { method: "POST", body: big });
    expect(g.status).toBe(413);
    expect((await g.json()).error.code).toBe(413);
    expect(upstream!.seen.length).toBe(0);
  });

  test("a chunked body over the limit is cut at the limit too", async () => {
    const proxy = await withUpstream({ SLUICE_MAX_BODY_BYTES: "1000" });
    const body = new ReadableStream({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode("y".repeat(500)));
        c.close();
      },
    });
    const r = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body });
    expect(r.status).toBe(413);
    expect(upstream!.seen.length).toBe(0);
  });

  test("connection refused answers 502 in the client's format, after the configured retries", async () => {
    const port = await deadPort();
    sluice = await startSluice({
      SLUICE_ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}`,
      SLUICE_RETRY_MAX: "1",
    });
    const r = await fetch(`${sluice.url}/v1/messages`, { method: "POST", body: MSG });
    expect(r.status).toBe(502);
    const body = await r.json();
    expect(body.type).toBe("error");
    expect(body.error.message).toContain("could not connect");
    expect(r.headers.get("x-sluice-request-id")).toBeTruthy();
    const [ex] = await sluice.waitForExchanges(1);
    expect(ex?.retries).toBe(1);
  });

  test("an upstream that never answers gets 504 after the read timeout", async () => {
    const proxy = await withUpstream({ SLUICE_READ_TIMEOUT: "0.3" }, () => new Promise<Response>(() => {}));
    const r = await fetch(`${proxy.url}/v1/chat/completions`, { method: "POST", body: "{}" });
    expect(r.status).toBe(504);
    expect((await r.json()).error.type).toBe("upstream_timeout");
  });

  test("an upstream that goes silent mid-stream is cut after the read timeout", async () => {
    const proxy = await withUpstream({ SLUICE_READ_TIMEOUT: "0.3" }, () => {
      const body = new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode("data: one\n\n"));
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    });
    const r = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: MSG });
    expect(r.status).toBe(200);
    await r.text().catch(() => "");
    const [ex] = await proxy.waitForExchanges(1);
    expect(ex?.outcome).toBe("incomplete");
    expect(ex?.error).toContain("read timeout");
  });

  test("a request that already passed through this sluice answers 508", async () => {
    const proxy = await withUpstream();
    // Point the upstream at sluice itself: the second pass carries its own Via token.
    await proxy.stop();
    sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: "http://127.0.0.1:1" });
    const self = sluice;
    self.config.upstreams.anthropic.baseUrl = self.url;
    const r = await fetch(`${self.url}/v1/messages`, { method: "POST", body: MSG });
    expect(r.status).toBe(508);
    expect((await r.json()).error.message).toContain("already passed through this sluice");
  });

  test("the key gate answers 401 in the client's format and forwards nothing", async () => {
    const proxy = await withUpstream({ SLUICE_API_KEYS: "team=sk-internal-1" });
    const a = await fetch(`${proxy.url}/v1/messages`, {
      method: "POST",
      body: MSG,
      headers: { "x-api-key": "wrong" },
    });
    expect(a.status).toBe(401);
    expect((await a.json()).error.type).toBe("authentication_error");
    const o = await fetch(`${proxy.url}/v1/models`, { headers: { authorization: "Bearer nope" } });
    expect(o.status).toBe(401);
    expect((await o.json()).error.code).toBe("unauthorized");
    expect(upstream!.seen.length).toBe(0);
  });

  test("/health needs no key and reports version and upstreams", async () => {
    const proxy = await withUpstream({ SLUICE_API_KEYS: "sk-internal-1" });
    const r = await fetch(`${proxy.url}/health`);
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body.status).toBe("ok");
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(body.upstreams)).toEqual(["anthropic", "openai", "gemini"]);
  });
});

describe("a short answer cut before its declared length", () => {
  test("is reported as 502 in the client's format, since nothing reached the client yet", async () => {
    const raw = Bun.listen({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        data(socket) {
          socket.write(
            'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"partial":',
          );
          setTimeout(() => socket.end(), 20);
        },
      },
    });
    try {
      sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: `http://127.0.0.1:${raw.port}` });
      const r = await fetch(`${sluice.url}/v1/messages`, { method: "POST", body: MSG });
      expect(r.status).toBe(502);
      expect((await r.json()).error.message).toContain("ended before its declared length");
      const [ex] = await sluice.waitForExchanges(1);
      expect(ex?.outcome).toBe("error");
    } finally {
      raw.stop(true);
    }
  });
});
