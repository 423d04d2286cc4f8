// flush() (graceful shutdown) sends what is queued within its deadline: it skips backoff waits,
// gives up at the first failure, cancels a request still running at the deadline, and drops
// and counts whatever is left, saying so once.
import { describe, expect, test } from "bun:test";
import type { LangfuseBodies, TraceRecord } from "../../../src/telemetry/generation.ts";
import { createSender } from "../../../src/telemetry/sender.ts";
import { recordingLog, scriptedClient } from "./fakes.ts";
import { finishedExchange } from "./fixture.ts";

const rec = (id: string): TraceRecord => ({ ex: finishedExchange({ id }), bodyBytes: 0 });

function make(client: ReturnType<typeof scriptedClient>, retryBaseMs = 60_000) {
  const log = recordingLog();
  const s = createSender<TraceRecord, LangfuseBodies>({
    client,
    log,
    sink: "langfuse",
    unit: "traces",
    build: (r) => ({
      trace: { id: r.ex.id, name: "n", timestamp: new Date(0), tags: [], metadata: {} },
      generation: {
        id: "g",
        traceId: r.ex.id,
        name: "n",
        startTime: new Date(0),
        endTime: new Date(0),
        level: "DEFAULT",
        metadata: {},
      },
      bytes: 10,
    }),
    maxQueued: 100,
    maxQueuedBytes: 1_000_000,
    batchSize: 2,
    batchBytes: 1_000_000,
    retryBaseMs,
    retryMaxMs: retryBaseMs,
  });
  return { s, log };
}

describe("sender flush", () => {
  test("everything queued is sent before flush resolves", async () => {
    const client = scriptedClient([{ kind: "ok", failedTraces: 0 }]);
    const { s } = make(client);
    for (const id of ["a", "b", "c"]) s.enqueue(rec(id), 1);
    await s.flush(5000);
    expect(s.stats()).toEqual({ queued: 0, sent: 3, dropped: 0, failed: 0 });
  });

  test("a flush during a long backoff retries at once", async () => {
    const client = scriptedClient([
      { kind: "retry", reason: "HTTP 503" },
      { kind: "ok", failedTraces: 0 },
    ]);
    const { s, log } = make(client);
    s.enqueue(rec("a"), 1);
    // The first attempt failed and the sender went into its 60 s backoff (it logs as it does).
    await log.logged("langfuse unreachable; traces wait in a bounded queue");
    await s.flush(5000);
    expect(s.stats()).toMatchObject({ sent: 1, dropped: 0 });
  });

  test("with Langfuse down, flush gives up after one attempt and counts the rest as dropped", async () => {
    const client = scriptedClient([{ kind: "retry", reason: "ECONNREFUSED" }]);
    const { s, log } = make(client);
    for (const id of ["a", "b", "c"]) s.enqueue(rec(id), 1);
    await s.flush(10_000);
    expect(s.stats()).toEqual({ queued: 0, sent: 0, dropped: 3, failed: 0 });
    expect(log.lines.filter((l) => l.msg === "langfuse traces not sent before shutdown")).toHaveLength(1);
  });

  test("a request still running at the deadline is cancelled", async () => {
    const client = scriptedClient([{ kind: "retry", reason: "cancelled" }]);
    client.hold(new Promise<void>(() => {}));
    const { s } = make(client);
    s.enqueue(rec("a"), 1);
    await s.flush(50);
    expect(client.aborted()).toBe(1);
    expect(s.stats()).toMatchObject({ queued: 0, dropped: 1 });
  });

  test("a zero deadline cancels what is in flight and drops what is queued", async () => {
    const client = scriptedClient([{ kind: "retry", reason: "cancelled" }]);
    client.hold(new Promise<void>(() => {}));
    const { s } = make(client);
    for (const id of ["a", "b", "c"]) s.enqueue(rec(id), 1);
    // The first batch is in flight (held); "c" waits in the queue.
    await client.sends(1);
    await s.flush(0);
    expect(client.sent).toEqual([["a", "b"]]);
    expect(s.stats()).toEqual({ queued: 0, sent: 0, dropped: 3, failed: 0 });
  });
});
