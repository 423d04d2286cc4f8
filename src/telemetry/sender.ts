// The bounded queue between finished exchanges and Langfuse. Promises: enqueue is O(1) and never
// waits; at most `maxQueued` traces and `maxQueuedBytes` wait, anything beyond is dropped and
// counted; one batch is in flight at a time; an unreachable Langfuse is retried with capped,
// jittered backoff on an unref'd timer (it never keeps the process alive); the log says each
// state change once (down, full, rejected, back); flush() ends by its deadline, whatever happens.
import type { Logger } from "../log.ts";
import type { IngestionClient, SendOutcome } from "./client.ts";
import type { LangfuseBodies, TraceRecord } from "./generation.ts";

export interface TelemetryStats {
  /** Traces waiting (or in flight). */
  queued: number;
  /** Traces Langfuse accepted. */
  sent: number;
  /** Traces dropped because the queue was full, or left unsent at shutdown. */
  dropped: number;
  /** Traces Langfuse refused. */
  failed: number;
}

export interface SenderOptions {
  client: IngestionClient;
  /** The bodies to send and their serialised size. */
  build(rec: TraceRecord): LangfuseBodies;
  log: Logger;
  maxQueued: number;
  maxQueuedBytes: number;
  /** Most traces per ingestion request. */
  batchSize: number;
  /** Most serialised bytes per ingestion request (one oversized trace still goes alone). */
  batchBytes: number;
  retryBaseMs: number;
  retryMaxMs: number;
  random?: () => number;
}

export interface Sender {
  /** Queues a finished exchange; `bytes` is what it holds in memory until sent. */
  enqueue(rec: TraceRecord, bytes: number): void;
  /** Sends what is queued until done, Langfuse fails, or the deadline; drops (and counts) the rest. */
  flush(deadlineMs: number): Promise<void>;
  stats(): TelemetryStats;
}

interface Item {
  rec: TraceRecord;
  bytes: number;
  built?: LangfuseBodies;
}

export function createSender(o: SenderOptions): Sender {
  const random = o.random ?? Math.random;
  const queue: Item[] = [];
  let queuedBytes = 0;
  const counts = { sent: 0, dropped: 0, failed: 0 };
  let running = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  /** A flush is on: no backoff waits, and a failure ends it. */
  let closing = false;
  let stalled = false;
  /** Bumped when flush discards the queue, so a late batch result is not applied twice. */
  let epoch = 0;
  const notice = { down: false, full: false, rejected: false, droppedWhileDown: 0 };
  const waiters = new Set<() => void>();

  const wake = () => {
    for (const w of [...waiters]) w();
  };
  const changed = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        waiters.delete(done);
        resolve();
      };
      const t = setTimeout(done, Math.max(0, ms));
      waiters.add(done);
    });

  function kick(): void {
    if (running || timer !== undefined || queue.length === 0) return;
    running = true;
    setImmediate(() => void pump());
  }

  function take(): Item[] {
    const batch: Item[] = [];
    let bytes = 0;
    for (const item of queue) {
      if (batch.length >= o.batchSize) break;
      item.built ??= o.build(item.rec);
      if (batch.length > 0 && bytes + item.built.bytes > o.batchBytes) break;
      batch.push(item);
      bytes += item.built.bytes;
    }
    return batch;
  }

  function settle(batch: Item[], outcome: Exclude<SendOutcome, { kind: "retry" }>): void {
    queue.splice(0, batch.length);
    for (const item of batch) queuedBytes -= item.bytes;
    failures = 0;
    if (notice.down) {
      o.log.info("langfuse reachable again", { dropped: notice.droppedWhileDown });
      notice.down = false;
    }
    if (outcome.kind === "reject") {
      counts.failed += batch.length;
      if (!notice.rejected)
        o.log.warn("langfuse refused traces", { reason: outcome.reason, traces: batch.length });
      notice.rejected = true;
      return;
    }
    counts.sent += batch.length - outcome.failedTraces;
    counts.failed += outcome.failedTraces;
    if (outcome.failedTraces > 0 && !notice.rejected) {
      o.log.warn("langfuse refused some traces", { traces: outcome.failedTraces });
      notice.rejected = true;
    } else if (outcome.failedTraces === 0) notice.rejected = false;
    notice.full = false;
  }

  function backoff(reason: string): void {
    failures++;
    if (!notice.down) {
      o.log.warn("langfuse unreachable; traces wait in a bounded queue", {
        error: reason,
        queued: queue.length,
      });
      notice.down = true;
      notice.droppedWhileDown = 0;
    }
    if (closing) {
      stalled = true;
      return;
    }
    const base = Math.min(o.retryMaxMs, o.retryBaseMs * 2 ** Math.min(failures - 1, 20));
    timer = setTimeout(
      () => {
        timer = undefined;
        kick();
      },
      base / 2 + (random() * base) / 2,
    );
    timer.unref?.();
  }

  async function pump(): Promise<void> {
    try {
      while (queue.length > 0 && !stalled) {
        const at = epoch;
        const batch = take();
        for (const item of batch) o.client.add(item.built!.trace, item.built!.generation);
        const outcome = await o.client.send();
        if (at !== epoch) break;
        if (outcome.kind === "retry") {
          backoff(outcome.reason);
          break;
        }
        settle(batch, outcome);
        wake();
      }
    } catch (err) {
      // A bug here must not wedge the queue forever: drop what is queued and say so.
      o.log.warn("langfuse sender failed", { error: err instanceof Error ? err.message : String(err) });
      counts.dropped += queue.length;
      queue.length = 0;
      queuedBytes = 0;
    } finally {
      running = false;
      wake();
    }
  }

  return {
    enqueue(rec, bytes) {
      if (queue.length >= o.maxQueued || queuedBytes + bytes > o.maxQueuedBytes) {
        counts.dropped++;
        notice.droppedWhileDown++;
        if (!notice.full) {
          o.log.warn("langfuse queue full; dropping traces", { queued: queue.length, max: o.maxQueued });
          notice.full = true;
        }
        return;
      }
      queue.push({ rec, bytes });
      queuedBytes += bytes;
      kick();
    },

    async flush(deadlineMs) {
      const until = Date.now() + Math.max(0, deadlineMs);
      closing = true;
      stalled = false;
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      if (deadlineMs > 0) kick();
      while ((queue.length > 0 || running) && !stalled && Date.now() < until) {
        await changed(until - Date.now());
      }
      if (running) {
        o.client.abort();
        const cap = Date.now() + 250;
        while (running && Date.now() < cap) await changed(cap - Date.now());
      }
      const left = queue.length;
      if (left > 0) {
        counts.dropped += left;
        queue.length = 0;
        queuedBytes = 0;
        epoch++;
        o.log.warn("langfuse traces not sent before shutdown", {
          dropped: left,
          reason: stalled ? "langfuse unreachable" : "deadline",
        });
      }
      closing = false;
      stalled = false;
    },

    stats: () => ({ queued: queue.length, ...counts }),
  };
}
