// Upstream connections are pooled: sequential requests reuse one keep-alive connection
// instead of paying a new TCP (and TLS) handshake each time.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MSG } from "../helpers/config.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

let upstream: ReturnType<typeof Bun.serve>;
let sluice: TestSluice;
const ports: number[] = [];
beforeAll(async () => {
  upstream = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req, server) {
      ports.push(server.requestIP(req)?.port ?? -1);
      return Response.json({ ok: true });
    },
  });
  sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: `http://127.0.0.1:${upstream.port}` });
});
afterAll(async () => {
  await sluice.stop();
  await upstream.stop(true);
});

describe("upstream connection pool", () => {
  test("twenty sequential requests travel over one kept-alive connection", async () => {
    for (let i = 0; i < 20; i++) {
      const r = await fetch(`${sluice.url}/v1/messages`, { method: "POST", body: MSG });
      expect(r.status).toBe(200);
      await r.text();
    }
    expect(ports.length).toBe(20);
    expect(new Set(ports).size).toBe(1);
  });
});
