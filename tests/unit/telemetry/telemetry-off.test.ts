// Without Langfuse keys telemetry is a no-op: no observer joins the proxy, flush returns at
// once and the numbers stay zero.
import { expect, test } from "bun:test";
import { silentLogger } from "../../../src/log.ts";
import { createTelemetry } from "../../../src/telemetry/langfuse.ts";
import { testConfig } from "../../helpers/config.ts";

test("without keys there is no observer and nothing to flush", async () => {
  const t = createTelemetry(testConfig(), silentLogger);
  expect(t.observer).toBeUndefined();
  await t.flush(1000);
  expect(t.stats()).toEqual({ queued: 0, sent: 0, dropped: 0, failed: 0 });
});

test("with keys the observer is there", () => {
  const t = createTelemetry(
    testConfig({ SLUICE_LANGFUSE_PUBLIC_KEY: "pk-lf-1", SLUICE_LANGFUSE_SECRET_KEY: "sk-lf-1" }),
    silentLogger,
  );
  expect(t.observer).toBeDefined();
});
