// The bounded queue between finished exchanges and a telemetry sink (Langfuse, an OTLP
// collector). Promises: enqueue is O(1) and never waits; at most `maxQueued` items and
// `maxQueuedBytes` wait, anything beyond is dropped and counted; one batch is in flight at a
// time; an unreachable sink is retried with capped, jittered backoff on an unref'd timer (it
// never keeps the process alive); the log says each state change once (down, full, rejected,
// back); flush() ends by its deadline, whatever happens.
import type { Logger } from "../log.ts";

export interface TelemetryStats {
  /** Items waiting (or in flight). */
  queued: number;
  /** Items the sink accepted. */
  sent: number;
  /** Items dropped because the queue was full, or left unsent at shutdown. */
  dropped: number;
  /** Items the sink refused. */
  failed: number;
}

/** What the sink said about one batch. */
export type SendOutcome =
  /** `reason`: what the sink said about the items it refused, when it said anything. */
  | { kind: "ok"; failedTraces: number; reason?: string }
  | { kind: "retry"; reason: string }
  | { kind: "reject"; reason: string };

/** Sends one batch of built items; never throws (failures are outcomes). */
export interface BatchClient<B> {
  send(batch: B[]): Promise<SendOutcome>;
  /** Cancels the request in flight (the shutdown deadline passed). */
  abort(): void;
}

export interface SenderOptions<R, B extends { bytes: number }> {
  client: BatchClient<B>;
  /** The payload of one item and its serialised size; built lazily, off the request path. */
  build(rec: R): B;
  log: Logger;
  /** How log lines name the sink and what it receives ("langfuse", "traces"). */
  sink: string;
  unit: string;
  maxQueued: number;
  maxQueuedBytes: number;
  /** Most items per request. */
  batchSize: number;
  /** Most serialised bytes per request (one oversized item still goes alone). */
  batchBytes: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /**
   * How long the first queued item waits for company before a batch goes (0: at once). Fewer,
   * fuller requests cost less CPU under load; a full batch never waits.
   */
  lingerMs?: number;
  random?: () => number;
}

export interface Sender<R> {
  /** Queues a finished exchange; `bytes` is what it holds in memory until sent. */
  enqueue(rec: R, bytes: number): void;
  /** Sends what is queued until done, the sink fails, or the deadline; drops (and counts) the rest. */
  flush(deadlineMs: number): Promise<void>;
  stats(): TelemetryStats;
}

interface Item<R, B> {
  rec: R;
  bytes: number;
  built?: B;
}

export function createSender<R, B extends { bytes: number }>(o: SenderOptions<R, B>): Sender<R> {
  const random = o.random ?? Math.random;
  const queue: Item<R, B>[] = [];
  const { sink, unit } = o;
  const lingerMs = o.lingerMs ?? 0;
  let linger: ReturnType<typeof setTimeout> | undefined;
  /** The linger wait is over (or was skipped after a backoff): the next kick sends. */
  let lingerDue = false;
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
    // A part-full batch waits for company (unless a flush is on); a full one goes now.
    if (lingerMs > 0 && !closing && !lingerDue && queue.length < o.batchSize) {
      if (linger === undefined) {
        linger = setTimeout(() => {
          linger = undefined;
          lingerDue = true;
          kick();
        }, lingerMs);
        linger.unref?.();
      }
      return;
    }
    if (linger !== undefined) clearTimeout(linger);
    linger = undefined;
    lingerDue = false;
    running = true;
    setImmediate(() => void pump());
  }

  function take(): Item<R, B>[] {
    const batch: Item<R, B>[] = [];
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

  function settle(batch: Item<R, B>[], outcome: Exclude<SendOutcome, { kind: "retry" }>): void {
    queue.splice(0, batch.length);
    for (const item of batch) queuedBytes -= item.bytes;
    failures = 0;
    if (notice.down) {
      o.log.info(`${sink} reachable again`, { dropped: notice.droppedWhileDown });
      notice.down = false;
    }
    if (outcome.kind === "reject") {
      counts.failed += batch.length;
      if (!notice.rejected)
        o.log.warn(`${sink} refused ${unit}`, { reason: outcome.reason, [unit]: batch.length });
      notice.rejected = true;
      return;
    }
    counts.sent += batch.length - outcome.failedTraces;
    counts.failed += outcome.failedTraces;
    if (outcome.failedTraces > 0 && !notice.rejected) {
      o.log.warn(`${sink} refused some ${unit}`, {
        [unit]: outcome.failedTraces,
        ...(outcome.reason ? { reason: outcome.reason } : {}),
      });
      notice.rejected = true;
    } else if (outcome.failedTraces === 0) notice.rejected = false;
    notice.full = false;
  }

  function backoff(reason: string): void {
    failures++;
    if (!notice.down) {
      o.log.warn(`${sink} unreachable; ${unit} wait in a bounded queue`, {
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
        lingerDue = true;
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
        const outcome = await o.client.send(batch.map((item) => item.built!));
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
      o.log.warn(`${sink} sender failed`, { error: err instanceof Error ? err.message : String(err) });
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
          o.log.warn(`${sink} queue full; dropping ${unit}`, { queued: queue.length, max: o.maxQueued });
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
        o.log.warn(`${sink} ${unit} not sent before shutdown`, {
          dropped: left,
          reason: stalled ? `${sink} unreachable` : "deadline",
        });
      }
      closing = false;
      stalled = false;
    },

    stats: () => ({ queued: queue.length, ...counts }),
  };
}
