// With Langfuse slow (it takes requests and never answers), sluice serves every request as
// before, keeps at most its bound of traces, and a graceful shutdown still ends by its deadline,
// counting what it could not send.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { createTelemetry } from "../../src/telemetry/langfuse.ts";
import { type FakeLangfuse, langfuseEnv, startFakeLangfuse } from "../helpers/fake-langfuse.ts";
import { startSluice } from "../helpers/sluice.ts";
import { recordingLog } from "../unit/telemetry/fakes.ts";

let mock: MockServer;
let lf: FakeLangfuse;
beforeAll(() => {
  mock = startMockUpstream({ port: 0 });
  lf = startFakeLangfuse();
  lf.behaviour = { hang: true };
});
afterAll(async () => {
  await mock.stop();
  await lf.stop();
});

test("a hanging Langfuse neither slows requests nor holds shutdown past its deadline", async () => {
  const log = recordingLog();
  const sluice = await startSluice(
    { SLUICE_OPENAI_BASE_URL: mock.url, ...langfuseEnv(lf) },
    { log, telemetry: (config) => createTelemetry(config, log, { maxQueued: 3, requestTimeoutMs: 600_000 }) },
  );
  for (let i = 0; i < 6; i++) {
    const r = await fetch(`${sluice.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({
        model: "gpt-4.1",
        stream: i % 2 === 1,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("Mock");
  }
  await sluice.waitForExchanges(6);
  const stats = sluice.app.telemetry.stats();
  expect(stats.queued).toBe(3);
  expect(stats.dropped).toBe(3);
  expect(lf.raw.length).toBe(1);

  const outcome = await Promise.race([
    sluice.shutdown(200).then(() => "stopped"),
    Bun.sleep(10_000).then(() => "still waiting"),
  ]);
  expect(outcome).toBe("stopped");
  expect(sluice.app.telemetry.stats()).toEqual({ queued: 0, sent: 0, dropped: 6, failed: 0 });
  expect(log.lines.filter((l) => l.msg === "langfuse traces not sent before shutdown")).toHaveLength(1);
});
