// With Langfuse down, sluice serves every request as before; traces beyond the queue's bound
// are dropped and counted on /metrics; the log says so once, briefly; nothing (no stack trace)
// reaches the console. When Langfuse comes back, the queued traces arrive and the log says so.
import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { createTelemetry } from "../../src/telemetry/langfuse.ts";
import { deadUrl, langfuseEnv, startFakeLangfuse } from "../helpers/fake-langfuse.ts";
import { startSluice } from "../helpers/sluice.ts";
import { recordingLog } from "../unit/telemetry/fakes.ts";

let mock: MockServer;
const consoleSpies = (["error", "warn", "log", "debug", "info"] as const).map((m) => spyOn(console, m));
beforeAll(() => {
  mock = startMockUpstream({ port: 0 });
});
afterAll(async () => {
  await mock.stop();
  for (const s of consoleSpies) s.mockRestore();
});

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await Bun.sleep(10);
  expect(check()).toBe(true);
};

async function serve(url: string, n: number) {
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers: { "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: "claude-sonnet-4-5",
        max_tokens: 20,
        stream: i % 2 === 0,
        messages: [{ role: "user", content: `request ${i}` }],
      }),
    });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("Mock");
  }
}

describe("Langfuse down", () => {
  test("requests are served, the overflow is dropped, counted on /metrics and logged once", async () => {
    const log = recordingLog();
    // The real fetch to a dead port, counted: each count is one ingestion attempt that failed.
    let attempts = 0;
    const counting = ((input: RequestInfo | URL, init?: RequestInit) => {
      attempts++;
      return fetch(input, init);
    }) as typeof fetch;
    const sluice = await startSluice(
      {
        SLUICE_ANTHROPIC_BASE_URL: mock.url,
        SLUICE_LANGFUSE_BASE_URL: await deadUrl(),
        SLUICE_LANGFUSE_PUBLIC_KEY: "pk-lf-down",
        SLUICE_LANGFUSE_SECRET_KEY: "sk-lf-down",
      },
      {
        admin: true,
        log,
        telemetry: (config) =>
          createTelemetry(config, log, { maxQueued: 2, retryBaseMs: 20, retryMaxMs: 40, fetch: counting }),
      },
    );
    try {
      await serve(sluice.url, 6);
      await until(() => sluice.app.telemetry.stats().dropped === 4);
      // Several more attempts fail after the queue filled up; none of them may log again.
      const seen = attempts;
      await until(() => attempts >= seen + 3);
      expect(sluice.app.telemetry.stats()).toEqual({ queued: 2, sent: 0, dropped: 4, failed: 0 });
      const json = await (await fetch(`${sluice.adminUrl}/metrics`)).json();
      expect(json.extra).toMatchObject({ langfuse_dropped_traces_total: 4, langfuse_queued_traces: 2 });
      const prom = await (await fetch(`${sluice.adminUrl}/metrics/prometheus`)).text();
      expect(prom).toContain("sluice_langfuse_dropped_traces_total 4");
      const langfuseLines = log.lines.filter((l) => l.msg.includes("langfuse"));
      expect(langfuseLines).toEqual([
        { level: "warn", msg: "langfuse unreachable; traces wait in a bounded queue" },
        { level: "warn", msg: "langfuse queue full; dropping traces" },
      ]);
      for (const s of consoleSpies) expect(s).not.toHaveBeenCalled();
    } finally {
      await sluice.stop();
    }
  });

  test("when Langfuse answers again, the queued traces arrive and the log says so once", async () => {
    const lf = startFakeLangfuse();
    lf.behaviour = { status: 503 };
    const log = recordingLog();
    const sluice = await startSluice(
      { SLUICE_ANTHROPIC_BASE_URL: mock.url, ...langfuseEnv(lf) },
      { log, telemetry: (config) => createTelemetry(config, log, { retryBaseMs: 20, retryMaxMs: 40 }) },
    );
    try {
      await serve(sluice.url, 3);
      await until(() => lf.raw.length >= 2);
      lf.behaviour = {};
      await lf.waitForTraces(3);
      await until(() => sluice.app.telemetry.stats().sent === 3);
      expect(log.lines.filter((l) => l.msg.includes("langfuse"))).toEqual([
        { level: "warn", msg: "langfuse unreachable; traces wait in a bounded queue" },
        { level: "info", msg: "langfuse reachable again" },
      ]);
      for (const s of consoleSpies) expect(s).not.toHaveBeenCalled();
    } finally {
      await sluice.stop();
      await lf.stop();
    }
  });
});
