// The container HEALTHCHECK (deploy/healthcheck.ts): which /health it asks for given the
// environment, and that the compiled binary itself can run it (BUN_BE_BUN=1), so the image
// needs no curl.
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { healthUrl, probe } from "../../deploy/healthcheck.ts";
import { BIN, ROOT, requireBinary } from "./helpers.ts";

let status = 200;
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: (req) =>
    new URL(req.url).pathname === "/health"
      ? Response.json({ status: status === 200 ? "ok" : "draining" }, { status })
      : new Response("not found", { status: 404 }),
});
afterAll(() => server.stop(true));
const url = `http://127.0.0.1:${server.port}/health`;

describe("container health check", () => {
  test("asks the admin listener, or the main one when the admin listener is off", () => {
    expect(healthUrl({})).toBe("http://127.0.0.1:9090/health");
    expect(healthUrl({ SLUICE_DASHBOARD_PORT: "9191", SLUICE_DASHBOARD_HOST: "0.0.0.0" })).toBe(
      "http://127.0.0.1:9191/health",
    );
    expect(healthUrl({ SLUICE_DASHBOARD_PORT: "0" })).toBe("https://127.0.0.1:8443/health");
    expect(healthUrl({ SLUICE_DASHBOARD_PORT: "0", SLUICE_TLS: "off", SLUICE_PORT: "8080" })).toBe(
      "http://127.0.0.1:8080/health",
    );
    expect(healthUrl({ SLUICE_DASHBOARD_PORT: "0", SLUICE_HOST: "::" })).toBe(
      "https://127.0.0.1:8443/health",
    );
    expect(healthUrl({ SLUICE_DASHBOARD_PORT: "0", SLUICE_HOST: "::1" })).toBe("https://[::1]:8443/health");
    expect(healthUrl({ SLUICE_HEALTH_URL: "http://10.0.0.1:1/health" })).toBe("http://10.0.0.1:1/health");
  });

  test("is healthy only on a 2xx answer", async () => {
    status = 200;
    expect((await probe(url)).code).toBe(0);
    status = 503;
    const draining = await probe(url);
    expect(draining.code).toBe(1);
    expect(draining.line).toContain("503");
    status = 200;
    const closed = await probe("http://127.0.0.1:1/health", 1000);
    expect(closed.code).toBe(1);
  });

  test("runs inside the compiled binary, with no other tool", async () => {
    requireBinary();
    // Asynchronously: the fake /health above is served by this very process.
    const check = async (target: string) => {
      const p = Bun.spawn([BIN, join(ROOT, "deploy/healthcheck.ts")], {
        env: { PATH: process.env.PATH ?? "", BUN_BE_BUN: "1", SLUICE_HEALTH_URL: target },
        stdout: "pipe",
        stderr: "pipe",
      });
      return { code: await p.exited, out: await new Response(p.stdout).text() };
    };
    const ok = await check(url);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("HTTP 200");
    expect((await check("http://127.0.0.1:1/health")).code).toBe(1);
  });
});
