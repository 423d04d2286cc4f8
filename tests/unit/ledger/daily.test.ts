// The dashboard's cost per day: read from the ledger once it is ready, then kept current from
// the batches the writer commits, read again only when a batch met rows already there, and on a
// shared database every interval. A writer stand-in runs the queued reads when told to.
import { describe, expect, test } from "bun:test";
import { createDailyCost } from "../../../src/ledger/daily.ts";
import type { LedgerRow } from "../../../src/ledger/row.ts";
import type { LedgerStore, UsageGroup } from "../../../src/ledger/store.ts";

const DAY = 86_400_000;
const today = new Date().toISOString().slice(0, 10);

function fakeLedger(groups: () => UsageGroup[]) {
  const jobs: ((s: LedgerStore) => Promise<void>)[] = [];
  let reads = 0;
  const store = {
    usage: async (q: { by: string }) => {
      expect(q.by).toBe("day");
      reads++;
      return groups();
    },
  } as unknown as LedgerStore;
  return {
    writer: {
      run: (job: (s: LedgerStore) => Promise<void>) => jobs.push(job) > 0,
      whenReady: () => Promise.resolve(),
    },
    /** Runs what the writer has queued, as its next turn would. */
    async turn() {
      await Promise.resolve();
      for (const job of jobs.splice(0)) await job(store);
    },
    reads: () => reads,
  };
}

const group = (day: string, cost: number, requests: number): UsageGroup => ({
  group: day,
  requests,
  errors: 0,
  input_tokens: 0,
  output_tokens: 0,
  cache_write_tokens: 0,
  cache_read_tokens: 0,
  cost_usd: cost,
});

const row = (id: string, ts: number, cost: number) => ({ request_id: id, ts, cost_usd: cost }) as LedgerRow;

describe("cost per day", () => {
  test("starts from the ledger and adds committed batches without reading it again", async () => {
    const f = fakeLedger(() => [group(today, 1.5, 3)]);
    const daily = createDailyCost(f.writer, { shared: false });
    await f.turn();
    expect(daily.days()).toEqual([{ day: today, costUsd: 1.5, requests: 3 }]);
    daily.written([row("a", Date.now(), 0.25), row("b", Date.now() - DAY, 1)], 2);
    const days = daily.days();
    expect(days.at(-1)).toEqual({ day: today, costUsd: 1.75, requests: 4 });
    expect(days.at(-2)).toEqual({
      day: new Date(Date.now() - DAY).toISOString().slice(0, 10),
      costUsd: 1,
      requests: 1,
    });
    await f.turn();
    expect(f.reads()).toBe(1);
    daily.stop();
  });

  test("a batch that met rows already there is not added but read again", async () => {
    let inDb = [group(today, 1, 1)];
    const f = fakeLedger(() => inDb);
    const daily = createDailyCost(f.writer, { shared: false });
    await f.turn();
    inDb = [group(today, 1.5, 2)];
    daily.written([row("a", Date.now(), 1), row("b", Date.now(), 0.5)], 1);
    expect(daily.days()[0]!.costUsd).toBe(1);
    await f.turn();
    expect(f.reads()).toBe(2);
    expect(daily.days()).toEqual([{ day: today, costUsd: 1.5, requests: 2 }]);
    daily.stop();
  });

  test("refresh reads the chart again, for the rows retention deleted", async () => {
    let inDb = [group(today, 2, 2)];
    const f = fakeLedger(() => inDb);
    const daily = createDailyCost(f.writer, { shared: false });
    await f.turn();
    inDb = [group(today, 1, 1)];
    daily.refresh();
    await f.turn();
    expect(f.reads()).toBe(2);
    expect(daily.days()).toEqual([{ day: today, costUsd: 1, requests: 1 }]);
    daily.stop();
  });

  test("days older than the 30 shown are let go of", async () => {
    const old = new Date(Date.now() - 40 * DAY).toISOString().slice(0, 10);
    const f = fakeLedger(() => [group(old, 9, 9), group(today, 1, 1)]);
    const daily = createDailyCost(f.writer, { shared: false });
    await f.turn();
    expect(daily.days().map((d) => d.day)).toEqual([today]);
    daily.stop();
  });

  test("on a shared database the chart is read again every interval, for the other instances' rows", async () => {
    let others = 0;
    const f = fakeLedger(() => [group(today, 1 + others, 1)]);
    const daily = createDailyCost(f.writer, { shared: true, everyMs: 5 });
    await f.turn();
    others = 2;
    while (f.reads() < 2) {
      await Bun.sleep(5);
      await f.turn();
    }
    expect(daily.days()[0]!.costUsd).toBe(3);
    daily.stop();
  });
});
