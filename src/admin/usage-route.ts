// GET /metrics/usage?since=7d&by=key: the ledger's usage grouped by key, model, day, session or
// provider, as JSON. Answers 400 for a bad argument, 404 when the ledger is off and 503 when
// the database does not answer; the proxy keeps serving either way.

import { parseGroup, parseSince, report } from "../ledger/report.ts";
import type { LedgerStore } from "../ledger/store.ts";

const headers = { "cache-control": "no-store", "x-content-type-options": "nosniff" };
const problem = (status: number, message: string) =>
  Response.json({ error: { message } }, { status, headers });

/** Longest the admin page waits for the database. */
const QUERY_TIMEOUT_MS = 10_000;

export async function usageResponse(url: string, store: LedgerStore | undefined): Promise<Response> {
  const q = new URL(url).searchParams;
  const since = parseSince(q.get("since") ?? "7d", Date.now());
  if (typeof since !== "number") return problem(400, since.error);
  const by = parseGroup(q.get("by") ?? "key");
  if (typeof by !== "string") return problem(400, by.error);
  if (!store) return problem(404, "the ledger is off (SLUICE_DATABASE_URL=off)");
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const groups = await Promise.race([
      store.usage({ since, by }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("no answer in time")), QUERY_TIMEOUT_MS);
      }),
    ]);
    return Response.json(report(since, by, groups), { headers });
  } catch (err) {
    return problem(503, `the ledger did not answer: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    clearTimeout(timer);
  }
}
