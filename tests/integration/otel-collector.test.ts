// A collector that hangs, is down, refuses or fails costs the client nothing: requests are
// answered while an export is held, spans beyond the queue's bound are dropped and counted on
// /metrics (JSON and Prometheus), the log says each state once, and shutdown exports what is
// pending within its deadline. A collector that comes back gets the queued spans.
import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import type { Config } from "../../src/config/types.ts";
import type { Logger } from "../../src/log.ts";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { createOtel, type OtelOptions } from "../../src/telemetry/otel.ts";
import { deadUrl } from "../helpers/fake-langfuse.ts";
import { startOtlpReceiver } from "../helpers/otlp-receiver.ts";
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
      headers: { "anthropic-version": "2023-06-01", "x-api-key": "k" },
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

function start(endpoint: string, log: Logger & { lines: { msg: string }[] }, o: OtelOptions) {
  return startSluice(
    { SLUICE_ANTHROPIC_BASE_URL: mock.url, SLUICE_OTEL_ENDPOINT: endpoint },
    { admin: true, log, otel: (config: Config) => createOtel(config, log, { lingerMs: 0, ...o }) },
  );
}

/** A recording log that also keeps the fields of each warning. */
function watched() {
  const log = recordingLog();
  const warns: unknown[] = [];
  const spy = {
    ...log,
    warn(msg: string, fields?: Record<string, unknown>) {
      warns.push(fields);
      log.warn(msg);
    },
  };
  return { log, warns, spy };
}

const otelLines = (log: { lines: { level: string; msg: string }[] }) =>
  log.lines.filter((l) => l.msg.includes("otel"));

describe("OpenTelemetry collector trouble", () => {
  test("a hanging collector: requests are answered while the export is held; overflow dropped and counted", async () => {
    const rx = startOtlpReceiver();
    rx.behaviour.hang = true;
    const log = recordingLog();
    const sluice = await start(rx.url, log, { maxQueued: 2, requestTimeoutMs: 60_000 });
    try {
      await serve(sluice.url, 1);
      await rx.waitForRequests(1);
      // The first export is held by the collector; every further request is answered anyway.
      await serve(sluice.url, 5);
      expect(rx.spans).toHaveLength(0);
      expect(sluice.app.otel.stats()).toEqual({ queued: 2, sent: 0, dropped: 4, failed: 0 });
      const json = await (await fetch(`${sluice.adminUrl}/metrics`)).json();
      expect(json.extra).toMatchObject({ otel_dropped_spans_total: 4, otel_queued_spans: 2 });
      const prom = await (await fetch(`${sluice.adminUrl}/metrics/prometheus`)).text();
      expect(prom).toContain("sluice_otel_dropped_spans_total 4");
      expect(prom).toContain("sluice_otel_exported_spans_total 0");
      expect(otelLines(log)).toEqual([{ level: "warn", msg: "otel collector queue full; dropping spans" }]);
      rx.behaviour.hang = false;
      rx.release();
      await until(() => sluice.app.otel.stats().sent === 2);
      expect(rx.spans).toHaveLength(2);
    } finally {
      await sluice.stop();
      await rx.stop();
    }
  });

  test("a collector that is down: served as usual, logged once, retried, dropped at shutdown", async () => {
    const log = recordingLog();
    const sluice = await start(await deadUrl(), log, { retryBaseMs: 20, retryMaxMs: 40 });
    await serve(sluice.url, 3);
    await until(() => otelLines(log).length > 0);
    // Retries keep failing; none of them logs again.
    await Bun.sleep(200);
    expect(otelLines(log)).toEqual([
      { level: "warn", msg: "otel collector unreachable; spans wait in a bounded queue" },
    ]);
    await sluice.shutdown(200);
    expect(sluice.app.otel.stats()).toMatchObject({ queued: 0, sent: 0, dropped: 3 });
    expect(otelLines(log).at(-1)).toEqual({
      level: "warn",
      msg: "otel collector spans not sent before shutdown",
    });
    for (const s of consoleSpies) expect(s).not.toHaveBeenCalled();
  });

  test("a collector that times out is retried, and its spans arrive once it answers", async () => {
    const rx = startOtlpReceiver();
    rx.behaviour.hang = true;
    const log = recordingLog();
    const sluice = await start(rx.url, log, { requestTimeoutMs: 100, retryBaseMs: 20, retryMaxMs: 40 });
    try {
      await serve(sluice.url, 2);
      await until(() => otelLines(log).length > 0);
      rx.behaviour.hang = false;
      rx.release();
      await rx.waitForSpans(2);
      await until(() => sluice.app.otel.stats().sent === 2);
      expect(otelLines(log).map((l) => l.msg)).toEqual([
        "otel collector unreachable; spans wait in a bounded queue",
        "otel collector reachable again",
      ]);
    } finally {
      await sluice.stop();
      await rx.stop();
    }
  });

  test("a refusing collector: spans counted as failed, not retried, the reason logged once with a hint", async () => {
    const rx = startOtlpReceiver();
    rx.behaviour.status = 401;
    const { log, warns, spy } = watched();
    const sluice = await start(rx.url, spy, {});
    try {
      await serve(sluice.url, 2);
      await until(() => sluice.app.otel.stats().failed === 2);
      expect(otelLines(log).map((l) => l.msg)).toEqual(["otel collector refused spans"]);
      expect(JSON.stringify(warns)).toContain("check SLUICE_OTEL_HEADERS");
    } finally {
      await sluice.stop();
      await rx.stop();
    }
  });

  test("a partial success counts the spans the collector rejected", async () => {
    const rx = startOtlpReceiver();
    rx.behaviour.rejectSpans = 1;
    const { log, warns, spy } = watched();
    const sluice = await start(rx.url, spy, { lingerMs: 60_000 });
    try {
      await serve(sluice.url, 3);
      await sluice.flushTelemetry();
      expect(sluice.app.otel.stats()).toMatchObject({ sent: 2, failed: 1 });
      expect(otelLines(log).map((l) => l.msg)).toEqual(["otel collector refused some spans"]);
      expect(JSON.stringify(warns)).toContain("refused on purpose");
    } finally {
      await sluice.stop();
      await rx.stop();
    }
  });

  test("shutdown exports what is pending (a batch still lingering) within the deadline", async () => {
    const rx = startOtlpReceiver();
    const log = recordingLog();
    const sluice = await start(rx.url, log, { lingerMs: 60_000 });
    await serve(sluice.url, 3);
    expect(rx.requests).toHaveLength(0);
    const { drained } = await sluice.shutdown(5000);
    expect(drained).toBe(true);
    expect(rx.requests).toHaveLength(1);
    expect(rx.spans).toHaveLength(3);
    expect(sluice.app.otel.stats()).toMatchObject({ sent: 3, dropped: 0, queued: 0 });
    await rx.stop();
  });
});
