// A ledger worker that dies on its first insert while the file `<database>.die-once` exists
// (deleting it), and is the real worker otherwise: the thread store must fail that call and
// start a new thread.
import { existsSync, unlinkSync } from "node:fs";
import "../../src/ledger/sqlite-worker.ts";
import type { StoreRequest } from "../../src/ledger/sqlite-thread.ts";

declare const self: Worker;

const real = self.onmessage;
let marker = "";
self.onmessage = (event: MessageEvent<StoreRequest>) => {
  const req = event.data;
  if (req.op === "open") marker = `${req.path}.die-once`;
  if (req.op === "insert" && existsSync(marker)) {
    unlinkSync(marker);
    throw new Error("the ledger worker died on purpose");
  }
  real?.call(self, event);
};
