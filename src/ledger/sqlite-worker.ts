// Entry point of the ledger's worker thread (sqlite-thread.ts starts it): owns the SQLite
// connection and answers each call of the main thread in turn, with the value or the error's
// message. Opens the file on the first call and again after a failed open, so a directory that
// becomes writable later is picked up by the writer's next retry.
// Also an entry point of the compiled binary (see the Makefile's build line).
import type { LedgerRow } from "./row.ts";
import { openSqliteStore } from "./sqlite.ts";
import type { StoreReply, StoreRequest } from "./sqlite-thread.ts";
import type { LedgerStore } from "./store.ts";

declare const self: Worker;

let path = "";
let store: LedgerStore | undefined;

function run(req: StoreRequest, s: () => LedgerStore): Promise<unknown> | unknown {
  switch (req.op) {
    case "open":
      path = req.path;
      return undefined;
    case "migrate":
      return s().migrate();
    case "insert":
      return s().insert(JSON.parse(req.rows) as LedgerRow[]);
    case "keyTotals":
      return s().keyTotals(req.dayStart, req.monthStart);
    case "usage":
      return s().usage(req.q);
    case "deleteBefore":
      return s().deleteBefore(req.before);
    case "close": {
      const open = store;
      store = undefined;
      return open?.close();
    }
  }
}

// Calls run one after another in the order they were sent, as the writer sent them.
let queue: Promise<unknown> = Promise.resolve();

self.onmessage = (event: MessageEvent<StoreRequest>) => {
  const req = event.data;
  queue = queue.then(async () => {
    let reply: StoreReply;
    try {
      const value = await run(req, () => (store ??= openSqliteStore(path)));
      reply = { id: req.id, ok: true, value: value ?? null };
    } catch (err) {
      reply = { id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    if (req.id !== 0) self.postMessage(reply);
  });
};
