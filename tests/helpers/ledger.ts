// Helpers for tests of the usage ledger: a temp SQLite path, a logger that keeps its lines,
// waiting until the writer has written n rows, and reading the rows back.
import { Database } from "bun:sqlite";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, type Logger } from "../../src/log.ts";
import type { TestSluice } from "./sluice.ts";

export const tempDb = (prefix = "ledger") =>
  join(mkdtempSync(join(tmpdir(), `sluice-${prefix}-`)), "sluice.db");

export interface KeptLog {
  log: Logger;
  lines: Record<string, unknown>[];
  /** Resolves once a line whose msg contains `text` was logged. */
  waitFor(text: string, timeoutMs?: number): Promise<Record<string, unknown>>;
}

export function keptLog(): KeptLog {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ level: "debug", format: "json", write: (l) => lines.push(JSON.parse(l)) });
  return {
    log,
    lines,
    async waitFor(text, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = lines.find((l) => String(l.msg).includes(text));
        if (hit) return hit;
        if (Date.now() > until) throw new Error(`no log line with "${text}": ${JSON.stringify(lines)}`);
        await Bun.sleep(10);
      }
    },
  };
}

/** Waits until the ledger writer of this sluice has written at least n rows. */
export async function waitForWritten(s: TestSluice, n: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const stats = s.app.ledger?.writer.stats();
    if (!stats) throw new Error("this sluice has no ledger");
    if (stats.written >= n) return;
    if (Date.now() > until) throw new Error(`ledger wrote ${stats.written} of ${n} rows`);
    await Bun.sleep(10);
  }
}

export function readRows(path: string): Record<string, unknown>[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.query("SELECT * FROM sluice_usage ORDER BY id").all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}
