// Streams pass through chunk by chunk: no batching, quiet streams survive, resets and
// client departures are seen for what they are.
import { afterEach, describe, expect, test } from "bun:test";
import { MSG } from "../helpers/config.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { controlledStream, readAll, sseHeaders, until } from "../helpers/stream.ts";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";

let upstream: TestUpstream | undefined;
let sluice: TestSluice | undefined;
afterEach(async () => {
  await sluice?.stop();
  await upstream?.stop();
  sluice = upstream = undefined;
});

async function setup(
  handler: (req: Request) => Response | Promise<Response>,
  env: Record<string, string> = {},
) {
  upstream = startUpstream(handler);
  sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: upstream.url, ...env });
  return sluice;
}

describe("streaming", () => {
  test("each event reaches the client before upstream sends the next one", async () => {
    const s = controlledStream();
    const proxy = await setup(() => new Response(s.stream, { headers: sseHeaders }));
    // Bun sends response headers with the first body chunk, so the first event goes first.
    s.send(`event: ping\ndata: {"n":0}\n\n`);
    const res = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: MSG });
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    for (let i = 0; i < 5; i++) {
      if (i > 0) s.send(`event: ping\ndata: {"n":${i}}\n\n`);
      const { value } = await reader.read();
      expect(dec.decode(value)).toBe(`event: ping\ndata: {"n":${i}}\n\n`);
    }
    s.close();
    expect((await reader.read()).done).toBe(true);
  });

  // Bun checks idle timeouts on a coarse tick: a 1 s limit cuts after about 4 s, so 6 s of silence proves the lift.
  test("a quiet stream outlives the client idle timeout", async () => {
    const s = controlledStream();
    const proxy = await setup(() => new Response(s.stream, { headers: sseHeaders }), {
      SLUICE_CLIENT_TIMEOUT: "1",
    });
    s.send("data: first\n\n");
    const res = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: MSG });
    setTimeout(() => {
      s.send("data: after-silence\n\n");
      s.close();
    }, 6000);
    const { text, clean } = await readAll(res.body!);
    expect(clean).toBe(true);
    expect(text).toBe("data: first\n\ndata: after-silence\n\n");
  });

  test("an upstream reset mid-stream ends the client's event stream with an error event, logged incomplete", async () => {
    const s = controlledStream();
    const proxy = await setup(() => new Response(s.stream, { headers: sseHeaders }));
    s.send("data: one\n\n");
    const res = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: MSG });
    setTimeout(() => s.fail(), 50);
    const { text, clean } = await readAll(res.body!);
    const [first, error] = text.split("\n\n");
    expect(first).toBe("data: one");
    expect(error).toStartWith("event: error\ndata: ");
    expect(JSON.parse(error!.split("data: ")[1]!)).toEqual({
      type: "error",
      error: { type: "api_error", message: "sluice: upstream anthropic dropped the connection mid-stream" },
    });
    expect(clean).toBe(true);
    const [ex] = await proxy.waitForExchanges(1);
    expect(ex?.outcome).toBe("incomplete");
    expect(ex?.retries).toBe(0);
    expect(upstream!.seen.length).toBe(1);
  });

  test("a reset in the middle of an event, or of a body that is no event stream, still cuts the client", async () => {
    for (const [headers, sent] of [
      [sseHeaders, 'data: {"half'],
      [{ "content-type": "application/octet-stream" }, "bytes"],
    ] as const) {
      const s = controlledStream();
      const proxy = await setup(() => new Response(s.stream, { headers }));
      s.send(sent);
      const res = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: MSG });
      setTimeout(() => s.fail(), 50);
      const { text, clean } = await readAll(res.body!);
      expect(text).toBe(sent);
      expect(clean).toBe(false);
      await sluice?.stop();
      await upstream?.stop();
    }
    sluice = upstream = undefined;
  });

  test("a client that leaves mid-stream aborts the upstream request", async () => {
    const s = controlledStream();
    const proxy = await setup(() => new Response(s.stream, { headers: sseHeaders }));
    const ac = new AbortController();
    s.send("data: one\n\n");
    const res = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: MSG, signal: ac.signal });
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    await until(() => s.cancelled, 2000, "upstream cancellation");
    const [ex] = await proxy.waitForExchanges(1);
    expect(ex?.outcome).toBe("client_closed");
  });

  test("a client that leaves before headers aborts the upstream request", async () => {
    let upstreamAborted = false;
    const proxy = await setup(
      (req) =>
        new Promise<Response>((resolve) => {
          req.signal.addEventListener("abort", () => {
            upstreamAborted = true;
            resolve(new Response("late"));
          });
        }),
    );
    const ac = new AbortController();
    const pending = fetch(`${proxy.url}/v1/messages`, {
      method: "POST",
      body: MSG,
      signal: ac.signal,
    }).catch(() => null);
    await until(() => upstream!.seen.length === 1, 2000, "request upstream");
    ac.abort();
    await pending;
    await until(() => upstreamAborted, 2000, "upstream abort");
    const [ex] = await proxy.waitForExchanges(1);
    expect(ex?.outcome).toBe("client_closed");
  });

  test("a slow reader holds back the upstream instead of growing memory", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(97);
    let produced = 0;
    const proxy = await setup(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(c) {
              produced += chunk.byteLength;
              c.enqueue(chunk);
            },
          }),
        ),
    );
    const ac = new AbortController();
    const res = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: MSG, signal: ac.signal });
    const reader = res.body!.getReader();
    await reader.read();
    await Bun.sleep(500);
    const after = produced;
    await Bun.sleep(500);
    // Once socket buffers are full, nothing more is pulled from upstream.
    expect(produced - after).toBeLessThan(8 * 1024 * 1024);
    expect(produced).toBeLessThan(64 * 1024 * 1024);
    ac.abort();
  });
});
