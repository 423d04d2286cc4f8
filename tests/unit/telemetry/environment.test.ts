// The environment tag goes on every trace and generation; a name Langfuse would reject is
// reported once at start and replaced by "default", rather than losing every trace.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTelemetry } from "../../../src/telemetry/langfuse.ts";
import { testConfig } from "../../helpers/config.ts";
import { type FakeLangfuse, langfuseEnv, startFakeLangfuse } from "../../helpers/fake-langfuse.ts";
import { recordingLog } from "./fakes.ts";
import { bytes, finishedExchange } from "./fixture.ts";

let lf: FakeLangfuse;
beforeAll(() => {
  lf = startFakeLangfuse();
});
afterAll(async () => {
  await lf.stop();
});

async function traceWith(environment: string, id: string) {
  const log = recordingLog();
  const t = createTelemetry(testConfig(langfuseEnv(lf, environment)), log);
  const ex = finishedExchange({ id });
  t.observer!.onRequest!(ex, bytes({ model: "m" }));
  t.observer!.onEnd!(ex);
  await t.flush(5000);
  return { log, trace: lf.traces.get(id)!, generation: lf.generations.get(`${id}-gen`)! };
}

test("a valid environment tags the trace and the generation", async () => {
  const { trace, generation, log } = await traceWith("prod-eu_1", "env-ok");
  expect(trace.environment).toBe("prod-eu_1");
  expect(generation.environment).toBe("prod-eu_1");
  expect(log.lines).toEqual([]);
});

test("an invalid environment is reported once and replaced by default", async () => {
  const { trace, log } = await traceWith("Production!", "env-bad");
  expect(trace.environment).toBe("default");
  expect(log.lines).toHaveLength(1);
  expect(log.lines[0]!.level).toBe("warn");
});
