// Graceful shutdown flushes pending traces within the drain deadline: traces waiting out a
// retry backoff are sent at once, and a stream still running when shutdown starts is traced
// once it finishes.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { silentLogger } from "../../src/log.ts";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { createTelemetry } from "../../src/telemetry/langfuse.ts";
import { type FakeLangfuse, langfuseEnv, startFakeLangfuse, tracedAs } from "../helpers/fake-langfuse.ts";
import { startSluice } from "../helpers/sluice.ts";

let mock: MockServer;
let lf: FakeLangfuse;
beforeAll(() => {
  mock = startMockUpstream({ port: 0 });
  lf = startFakeLangfuse();
});
afterAll(async () => {
  await mock.stop();
  await lf.stop();
});

const post = (url: string, stream: boolean, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/messages`, {
    method: "POST",
    headers: { "anthropic-version": "2023-06-01", ...headers },
    body: JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 20,
      stream,
      messages: [{ role: "user", content: "hello" }],
    }),
  });

test("traces pending at shutdown are flushed before shutdown resolves", async () => {
  lf.behaviour = { status: 503 };
  const sluice = await startSluice(
    { SLUICE_ANTHROPIC_BASE_URL: mock.url, ...langfuseEnv(lf) },
    // A minute of backoff: only the shutdown flush can deliver these in time.
    {
      telemetry: (config) =>
        createTelemetry(config, silentLogger, { retryBaseMs: 60_000, retryMaxMs: 60_000 }),
    },
  );
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await post(sluice.url, false);
    await r.text();
    ids.push(r.headers.get("x-sluice-request-id")!);
  }
  const end = Date.now() + 5000;
  while (lf.raw.length === 0 && Date.now() < end) await Bun.sleep(10);
  await sluice.waitForExchanges(3);
  expect(lf.generations.size).toBe(0);

  lf.behaviour = {};
  await sluice.shutdown(5000);
  for (const id of ids) expect(tracedAs(lf, id).generation.level).toBe("DEFAULT");
  expect(sluice.app.telemetry.stats()).toEqual({ queued: 0, sent: 3, dropped: 0, failed: 0 });
});

test("a stream running when shutdown starts is traced once it ends", async () => {
  lf.behaviour = {};
  const sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: mock.url, ...langfuseEnv(lf) });
  const r = await post(sluice.url, true, { "x-mock-gap-ms": "30", "x-mock-events": "10" });
  const id = r.headers.get("x-sluice-request-id")!;
  const stopping = sluice.shutdown(10_000);
  const text = await r.text();
  await stopping;
  expect(text).toContain("message_stop");
  expect(tracedAs(lf, id).generation).toMatchObject({ metadata: { outcome: "ok", stream: true } });
});
