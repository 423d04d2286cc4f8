// Gets ledger rows into the database off the request path. add() only pushes onto a bounded
// buffer; a timer writes what is there about once a second, in batches, one operation at a
// time. A database that is down, locked or full costs the clients nothing: rows wait in the
// buffer (the oldest are dropped past its bound, and counted), the writer retries with backoff,
// and the log says what happened at most once a minute. Migrations run before the first write
// and are retried the same way, so sluice starts even when the database does not answer yet.
import type { Logger } from "../log.ts";
import type { LedgerRow } from "./row.ts";
import type { LedgerStore } from "./store.ts";

export interface WriterOptions {
  intervalMs?: number;
  /** Most rows waiting for the database; older ones are dropped first. */
  maxBuffered?: number;
  /** Rows per INSERT transaction. */
  batchRows?: number;
  /** Runs once after migrations succeeded (seeds the budgets), before any write. */
  onReady?: () => Promise<void>;
  /** A database operation that has not finished after this long counts as failed. */
  opTimeoutMs?: number;
  /** Told of every committed batch and how many of its rows were new to the database. */
  onWritten?: (rows: readonly LedgerRow[], added: number) => void;
}

export interface WriterStats {
  written: number;
  dropped: number;
  buffered: number;
  failures: number;
  /** False while the last attempt failed. */
  healthy: boolean;
}

export interface LedgerWriter {
  add(row: LedgerRow): void;
  /** Rows not in the database yet (buffered or being written). */
  unwritten(): readonly LedgerRow[];
  /**
   * Queues work on the database, run in turn with the writes (after the next batch); false
   * when the queue is full and the job was not taken.
   */
  run(job: (store: LedgerStore) => Promise<void>): boolean;
  stats(): WriterStats;
  /** Resolves once migrations ran and onReady finished. */
  whenReady(): Promise<void>;
  /** Writes what is buffered until `deadlineMs` has passed, then closes the store. */
  close(deadlineMs: number): Promise<void>;
}

const LOG_EVERY_MS = 60_000;
const MAX_BACKOFF_MS = 5_000;

export function createLedgerWriter(store: LedgerStore, log: Logger, opts: WriterOptions = {}): LedgerWriter {
  const intervalMs = opts.intervalMs ?? 1000;
  const maxBuffered = opts.maxBuffered ?? 50_000;
  const batchRows = opts.batchRows ?? 200;
  const opTimeoutMs = opts.opTimeoutMs ?? 15_000;
  // A hung database (a stopped server, a dead peer) must not stall the writer for good; a write
  // that commits after its timeout is harmless, since rows are inserted once per request id.
  const bounded = <T>(p: Promise<T>): Promise<T> => {
    let t: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error(`no answer within ${opTimeoutMs} ms`)), opTimeoutMs);
    });
    return Promise.race([p, late]).finally(() => clearTimeout(t));
  };
  let buffer: LedgerRow[] = [];
  let inFlight: LedgerRow[] = [];
  const jobs: ((store: LedgerStore) => Promise<void>)[] = [];
  let ready = false;
  let markReady = () => {};
  const readyPromise = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  let busy = false;
  let closed = false;
  let written = 0;
  let dropped = 0;
  let failures = 0;
  let healthy = true;
  let backoffMs = 0;
  let nextTry = 0;
  let lastLog = 0;
  let droppedSinceLog = 0;

  const trim = () => {
    const over = buffer.length - maxBuffered;
    if (over <= 0) return;
    buffer.splice(0, over);
    dropped += over;
    droppedSinceLog += over;
  };

  const failed = (what: string, err: unknown) => {
    failures++;
    const now = Date.now();
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs === 0 ? intervalMs : backoffMs * 2);
    nextTry = now + backoffMs;
    if (healthy || now - lastLog >= LOG_EVERY_MS) {
      lastLog = now;
      log.warn(`ledger ${what} failed; rows are buffered and retried`, {
        store: store.where,
        error: err instanceof Error ? err.message : String(err),
        buffered: buffer.length,
        dropped_since_last_report: droppedSinceLog,
        dropped_total: dropped,
      });
      droppedSinceLog = 0;
    }
    healthy = false;
  };

  const recovered = () => {
    backoffMs = 0;
    if (healthy) return;
    healthy = true;
    log.info("ledger writes resumed", {
      store: store.where,
      buffered: buffer.length,
      dropped_total: dropped,
    });
  };

  async function tick(): Promise<void> {
    if (busy || Date.now() < nextTry) return;
    busy = true;
    try {
      if (!ready) {
        try {
          await bounded(store.migrate());
          ready = true;
          await bounded(opts.onReady?.() ?? Promise.resolve());
          markReady();
        } catch (err) {
          ready = false;
          failed("migration", err);
          return;
        }
      }
      while (buffer.length > 0) {
        inFlight = buffer.splice(0, batchRows);
        try {
          const added = await bounded(store.insert(inFlight));
          written += inFlight.length;
          const done = inFlight;
          inFlight = [];
          opts.onWritten?.(done, added);
        } catch (err) {
          buffer = inFlight.concat(buffer);
          inFlight = [];
          trim();
          // The database may come back without the tables (restored from an older backup, or a
          // crash that lost the last commits): check the schema again before the next write.
          ready = false;
          failed("write", err);
          return;
        }
        // Let sockets and timers run between batches.
        if (buffer.length > 0) await Bun.sleep(0);
      }
      recovered();
      while (jobs.length > 0 && !closed) {
        const job = jobs.shift()!;
        try {
          await bounded(job(store));
        } catch (err) {
          failed("query", err);
          return;
        }
      }
    } finally {
      busy = false;
    }
  }

  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref?.();
  setTimeout(() => void tick(), 0).unref?.();

  return {
    add(row) {
      if (closed) return;
      buffer.push(row);
      trim();
      if (droppedSinceLog > 0 && Date.now() - lastLog >= LOG_EVERY_MS) {
        lastLog = Date.now();
        log.warn("ledger buffer full: oldest rows dropped", {
          store: store.where,
          dropped_since_last_report: droppedSinceLog,
          dropped_total: dropped,
        });
        droppedSinceLog = 0;
      }
    },
    unwritten: () => (inFlight.length > 0 ? inFlight.concat(buffer) : buffer),
    run(job) {
      if (jobs.length >= 16) return false;
      jobs.push(job);
      return true;
    },
    whenReady: () => readyPromise,
    stats: () => ({ written, dropped, buffered: buffer.length + inFlight.length, failures, healthy }),
    async close(deadlineMs) {
      clearInterval(timer);
      const until = Date.now() + Math.max(0, deadlineMs);
      jobs.length = 0;
      while (Date.now() < until) {
        while (busy && Date.now() < until) await Bun.sleep(5);
        if (buffer.length === 0) break;
        nextTry = 0;
        await tick();
        if (buffer.length > 0 && !healthy) await Bun.sleep(Math.min(200, Math.max(0, until - Date.now())));
      }
      closed = true;
      if (buffer.length > 0) {
        log.warn("ledger rows not written at shutdown", { store: store.where, rows: buffer.length });
      }
      await store.close().catch(() => undefined);
    },
  };
}
