// A client that trickles its request is cut by the finite client timeout.
import { afterEach, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";

let upstream: TestUpstream | undefined;
let sluice: TestSluice | undefined;
afterEach(async () => {
  await sluice?.stop();
  await upstream?.stop();
  sluice = upstream = undefined;
});

/**
 * Opens a raw connection, writes `first`, then one more byte of `drip` every `everyMs`
 * (0 = silence); resolves ms until the server closed it.
 */
function trickle(
  port: number,
  first: string,
  giveUpMs: number,
  drip = "",
  everyMs = 0,
): Promise<number | "still open"> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let i = 0;
    const socket = connect({ host: "127.0.0.1", port }, () => socket.write(first));
    const dripper =
      everyMs > 0 ? setInterval(() => socket.write(drip[i++ % drip.length] ?? "x"), everyMs) : undefined;
    const finish = (r: number | "still open") => {
      clearTimeout(timer);
      clearInterval(dripper);
      resolve(r);
    };
    const timer = setTimeout(() => {
      socket.destroy();
      finish("still open");
    }, giveUpMs);
    socket.resume(); // read (and drop) whatever the server answers, so "close" can fire
    socket.on("close", () => finish(performance.now() - t0));
    socket.on("error", () => {});
  });
}

describe("slowloris", () => {
  // Bun (uWebSockets) gives a request about 10 s to complete its headers, whatever the
  // idle timeout, so a client dripping a header byte every 2 s is still cut.
  test("trickled headers are cut", async () => {
    upstream = startUpstream(() => Response.json({}));
    sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: upstream.url, SLUICE_CLIENT_TIMEOUT: "1" });
    const port = Number(new URL(sluice.url).port);
    const closed = await trickle(
      port,
      "POST /v1/messages HTTP/1.1\r\nHost: x\r\n",
      20_000,
      "X-Slow: aaaaaaaa",
      2000,
    );
    expect(closed).not.toBe("still open");
    expect(upstream.seen.length).toBe(0);
  });

  test("a trickled body is cut and never forwarded", async () => {
    upstream = startUpstream(() => Response.json({}));
    sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: upstream.url, SLUICE_CLIENT_TIMEOUT: "1" });
    const port = Number(new URL(sluice.url).port);
    const closed = await trickle(
      port,
      "POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{",
      15_000,
    );
    expect(closed).not.toBe("still open");
    expect(upstream.seen.length).toBe(0);
  });
});

describe("slow uploads", () => {
  test("a body dripped faster than the idle timeout but slower than the minimum rate gets 408", async () => {
    upstream = startUpstream(() => Response.json({}));
    sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: upstream.url, SLUICE_CLIENT_TIMEOUT: "1" });
    const drip = new ReadableStream<Uint8Array>({
      async pull(c) {
        await Bun.sleep(200);
        c.enqueue(new TextEncoder().encode("a"));
      },
    });
    const r = await fetch(`${sluice.url}/v1/messages`, { method: "POST", body: drip }).catch(() => null);
    if (r) {
      expect(r.status).toBe(408);
      expect((await r.json()).type).toBe("error");
    }
    expect(upstream.seen.length).toBe(0);
    const [ex] = await sluice.waitForExchanges(1);
    expect(ex?.status).toBe(408);
  });
});
