// The sender's bounded queue: enqueue never waits; beyond the bound traces are dropped and
// counted; an unreachable Langfuse keeps traces queued and retries; each state change is
// logged once; a refusal is counted as failed and not retried.
import { describe, expect, test } from "bun:test";
import type { Logger } from "../../../src/log.ts";
import type { LangfuseBodies, TraceRecord } from "../../../src/telemetry/generation.ts";
import { createSender, type SenderOptions } from "../../../src/telemetry/sender.ts";
import { recordingLog, scriptedClient } from "./fakes.ts";
import { finishedExchange } from "./fixture.ts";

const rec = (id: string): TraceRecord => ({ ex: finishedExchange({ id }), bodyBytes: 0 });

function sender(
  client: ReturnType<typeof scriptedClient>,
  log: Logger,
  over: Partial<SenderOptions<TraceRecord, LangfuseBodies>> = {},
) {
  return createSender<TraceRecord, LangfuseBodies>({
    client,
    log,
    sink: "langfuse",
    unit: "traces",
    build: (r) => ({
      trace: { id: r.ex.id, name: "n", timestamp: new Date(0), tags: [], metadata: {} },
      generation: {
        id: `${r.ex.id}-gen`,
        traceId: r.ex.id,
        name: "n",
        startTime: new Date(0),
        endTime: new Date(0),
        level: "DEFAULT",
        metadata: {},
      },
      bytes: 100,
    }),
    maxQueued: 3,
    maxQueuedBytes: 1_000_000,
    batchSize: 10,
    batchBytes: 1_000_000,
    retryBaseMs: 20,
    retryMaxMs: 40,
    ...over,
  });
}

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await Bun.sleep(5);
  expect(check()).toBe(true);
};

describe("sender queue", () => {
  test("queued traces go out in one batch and count as sent", async () => {
    const client = scriptedClient([{ kind: "ok", failedTraces: 0 }]);
    const s = sender(client, recordingLog());
    s.enqueue(rec("a"), 10);
    s.enqueue(rec("b"), 10);
    await until(() => s.stats().sent === 2);
    expect(client.sent).toEqual([["a", "b"]]);
    expect(s.stats()).toEqual({ queued: 0, sent: 2, dropped: 0, failed: 0 });
  });

  test("beyond the bound traces are dropped, counted and logged once", async () => {
    let open!: () => void;
    const client = scriptedClient([{ kind: "ok", failedTraces: 0 }]);
    client.hold(new Promise<void>((r) => (open = r)));
    const log = recordingLog();
    const s = sender(client, log);
    for (const id of ["a", "b", "c", "d", "e", "f"]) s.enqueue(rec(id), 10);
    expect(s.stats()).toEqual({ queued: 3, sent: 0, dropped: 3, failed: 0 });
    expect(log.lines.filter((l) => l.msg.includes("queue full"))).toHaveLength(1);
    open();
    await until(() => s.stats().sent === 3);
  });

  test("the byte bound drops too", () => {
    const client = scriptedClient([{ kind: "ok", failedTraces: 0 }]);
    const s = sender(client, recordingLog(), { maxQueuedBytes: 100 });
    s.enqueue(rec("a"), 60);
    s.enqueue(rec("b"), 60);
    expect(s.stats().dropped).toBe(1);
  });

  test("an unreachable Langfuse keeps the batch, retries it, and logs down and back once each", async () => {
    const client = scriptedClient([
      { kind: "retry", reason: "ECONNREFUSED" },
      { kind: "retry", reason: "ECONNREFUSED" },
      { kind: "ok", failedTraces: 0 },
    ]);
    const log = recordingLog();
    const s = sender(client, log);
    s.enqueue(rec("a"), 10);
    await until(() => s.stats().sent === 1);
    expect(client.sent).toEqual([["a"], ["a"], ["a"]]);
    expect(log.lines).toEqual([
      { level: "warn", msg: "langfuse unreachable; traces wait in a bounded queue" },
      { level: "info", msg: "langfuse reachable again" },
    ]);
  });

  test("a refusal counts the batch as failed, logs once and moves on", async () => {
    const client = scriptedClient([{ kind: "reject", reason: "HTTP 401" }]);
    const log = recordingLog();
    const s = sender(client, log, { batchSize: 1 });
    s.enqueue(rec("a"), 10);
    s.enqueue(rec("b"), 10);
    await until(() => s.stats().failed === 2);
    expect(log.lines.filter((l) => l.msg === "langfuse refused traces")).toHaveLength(1);
    expect(s.stats().queued).toBe(0);
  });

  test("per-event errors in an accepted batch count as failed traces", async () => {
    const client = scriptedClient([{ kind: "ok", failedTraces: 1 }]);
    const s = sender(client, recordingLog());
    s.enqueue(rec("a"), 10);
    s.enqueue(rec("b"), 10);
    await until(() => s.stats().sent + s.stats().failed === 2);
    expect(s.stats()).toMatchObject({ sent: 1, failed: 1 });
  });

  test("batches respect the byte budget, but one big trace still goes alone", async () => {
    const client = scriptedClient([{ kind: "ok", failedTraces: 0 }]);
    const s = sender(client, recordingLog(), { batchBytes: 150, maxQueued: 10 });
    for (const id of ["a", "b", "c"]) s.enqueue(rec(id), 10);
    await until(() => s.stats().sent === 3);
    expect(client.sent).toEqual([["a"], ["b"], ["c"]]);
  });
});
