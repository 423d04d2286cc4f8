// The SQLite ledger store as the server uses it: the same store (sqlite.ts) run in a worker
// thread of its own, so no insert, WAL checkpoint, fsync, retention pass or usage query ever
// holds the event loop that serves the clients. Promises:
// - every LedgerStore call becomes one message, answered in order; a batch crosses as one JSON
//   string (a fifth of the main thread's cost of cloning the row objects);
// - the worker is started on first use and keeps the process alive only while a call waits;
// - a worker that dies fails the calls it had (the writer keeps those rows and retries) and the
//   next call starts a new one, which opens the file again.
// Also an entry point of the compiled binary: see sqlite-worker.ts and the Makefile's build line.
import { resolve } from "node:path";
import type { LedgerRow } from "./row.ts";
import type { KeyTotals, LedgerStore, UsageGroup, UsageQuery } from "./store.ts";

/** One call to the worker's store. */
export type StoreCall =
  | { op: "open"; path: string }
  | { op: "migrate" }
  | { op: "insert"; rows: string }
  | { op: "keyTotals"; dayStart: number; monthStart: number }
  | { op: "usage"; q: UsageQuery }
  | { op: "deleteBefore"; before: number }
  | { op: "close" };

export type StoreRequest = StoreCall & { id: number };
export type StoreReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** Where the worker's code is: next to this file from source, under the binary's root when compiled. */
export function ledgerWorkerUrl(): string {
  if (import.meta.url.includes("/$bunfs/")) return "./ledger/sqlite-worker.ts";
  return new URL("./sqlite-worker.ts", import.meta.url).href;
}

/** Longest close() waits for the worker to close the file before it ends the thread. */
const CLOSE_WAIT_MS = 5000;

/** Bun's Worker can be unref'd like a timer; the DOM typing does not say so. */
type Thread = Worker & { ref(): void; unref(): void };

interface Waiting {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export function openSqliteThreadStore(path: string, url = ledgerWorkerUrl()): LedgerStore {
  const file = resolve(path);
  let worker: Thread | undefined;
  const waiting = new Map<number, Waiting>();
  let nextId = 1;

  const settle = (w: Thread) => {
    if (waiting.size === 0) w.unref();
  };
  const lost = (w: Thread, why: string) => {
    if (worker !== w) return;
    worker = undefined;
    w.terminate();
    const err = new Error(`ledger worker stopped: ${why}`);
    for (const p of waiting.values()) p.reject(err);
    waiting.clear();
  };
  const start = (): Thread => {
    const w = new Worker(url) as Thread;
    w.onmessage = (event: MessageEvent<StoreReply>) => {
      const reply = event.data;
      const p = waiting.get(reply.id);
      waiting.delete(reply.id);
      if (reply.ok) p?.resolve(reply.value);
      else p?.reject(new Error(reply.error));
      settle(w);
    };
    w.onerror = (event: ErrorEvent) => lost(w, event.message);
    w.addEventListener("close", () => lost(w, "its thread exited"));
    w.postMessage({ id: 0, op: "open", path: file } satisfies StoreRequest);
    return w;
  };
  const call = <T>(c: StoreCall): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      worker ??= start();
      const id = nextId++;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.ref();
      worker.postMessage({ ...c, id });
    });

  return {
    kind: "sqlite",
    where: file,
    migrate: () => call<{ from: number; to: number }>({ op: "migrate" }),
    insert: (rows: LedgerRow[]) => call<number>({ op: "insert", rows: JSON.stringify(rows) }),
    keyTotals: (dayStart, monthStart) => call<KeyTotals[]>({ op: "keyTotals", dayStart, monthStart }),
    usage: (q) => call<UsageGroup[]>({ op: "usage", q }),
    deleteBefore: (before) => call<number>({ op: "deleteBefore", before }),
    async close() {
      const w = worker;
      if (!w) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        // Closing checkpoints the WAL into the file; a thread stuck on a disk is let go of.
        await Promise.race([
          call<void>({ op: "close" }),
          new Promise<void>((done) => {
            timer = setTimeout(done, CLOSE_WAIT_MS);
          }),
        ]);
      } finally {
        clearTimeout(timer);
        worker = undefined;
        w.terminate();
      }
    },
  };
}
