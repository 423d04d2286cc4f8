// A lingering sender (the OpenTelemetry exporter's) holds a part-full batch for company, so a
// busy proxy sends few full requests instead of one per item: a full batch and a flush go at
// once, a lone item goes when the linger ends.
import { describe, expect, test } from "bun:test";
import type { LangfuseBodies, TraceRecord } from "../../../src/telemetry/generation.ts";
import { createSender } from "../../../src/telemetry/sender.ts";
import { bodiesFor, recordingLog, scriptedClient } from "./fakes.ts";
import { finishedExchange } from "./fixture.ts";

const rec = (id: string): TraceRecord => ({ ex: finishedExchange({ id }), bodyBytes: 0 });

function lingering(lingerMs: number) {
  const client = scriptedClient([{ kind: "ok", failedTraces: 0 }]);
  const s = createSender<TraceRecord, LangfuseBodies>({
    client,
    log: recordingLog(),
    sink: "otel collector",
    unit: "spans",
    build: (r) => bodiesFor(r.ex.id, 10),
    maxQueued: 100,
    maxQueuedBytes: 1_000_000,
    batchSize: 3,
    batchBytes: 1_000_000,
    lingerMs,
    retryBaseMs: 60_000,
    retryMaxMs: 60_000,
  });
  return { client, s };
}

/** Lets every setImmediate the sender scheduled run (it sends from one). */
const ticks = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
};

describe("sender linger", () => {
  test("a part-full batch waits; the item that fills it sends the whole batch at once", async () => {
    const { client, s } = lingering(60_000);
    s.enqueue(rec("a"), 10);
    s.enqueue(rec("b"), 10);
    await ticks();
    expect(client.sent).toEqual([]);
    s.enqueue(rec("c"), 10);
    await ticks();
    expect(client.sent).toEqual([["a", "b", "c"]]);
    expect(s.stats()).toMatchObject({ sent: 3, queued: 0 });
  });

  test("a flush sends a lingering batch without waiting for the linger", async () => {
    const { client, s } = lingering(60_000);
    s.enqueue(rec("a"), 10);
    await s.flush(5000);
    expect(client.sent).toEqual([["a"]]);
  });

  test("when the linger ends a lone item goes out", async () => {
    const { client, s } = lingering(10);
    s.enqueue(rec("a"), 10);
    await ticks();
    expect(client.sent).toEqual([]);
    const end = Date.now() + 5000;
    while (s.stats().sent === 0 && Date.now() < end) await Bun.sleep(5);
    expect(client.sent).toEqual([["a"]]);
  });
});
