// The dashboard's spend view in a real (headless) Chromium: each key's spend today and this
// month with budget bars, and the 30-day cost chart, both from the ledger, so a restarted
// sluice shows the same figures before any new call. A screenshot lands in tests/output/.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { sha256Hex } from "../../src/config/keys.ts";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { type Browser, chromiumReady, launchChromium, live, until } from "../helpers/browser.ts";
import { tempDb } from "../helpers/ledger.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

const OUTPUT = join(import.meta.dir, "..", "output");
const ALICE = "sk-sluice-dash-alice";
const BOB = "sk-sluice-dash-bob";
const TOML = `
[[keys]]
name = "alice"
key_sha256 = "${sha256Hex(ALICE)}"
budget_usd_day = 0.001
budget_usd_month = 1

[[keys]]
name = "bob"
key_sha256 = "${sha256Hex(BOB)}"
`;

describe.skipIf(!chromiumReady())("dashboard spend per key and cost per day", () => {
  let mock: MockServer | undefined;
  let sluice: TestSluice | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    await sluice?.stop();
    await mock?.stop();
  });

  const start = (db: string) =>
    startSluice(
      { SLUICE_ANTHROPIC_BASE_URL: mock!.url, SLUICE_DATABASE_URL: `sqlite://${db}` },
      { toml: TOML, admin: true, ledgerWriter: { intervalMs: 50 } },
    );

  test("spend and budget bars per key and a bar for today survive a restart", async () => {
    mkdirSync(OUTPUT, { recursive: true });
    mock = startMockUpstream({ port: 0 });
    const db = tempDb("dash");
    sluice = await start(db);
    for (const key of [ALICE, ALICE, BOB]) {
      const r = await fetch(`${sluice.url}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: JSON.stringify({
          model: "claude-sonnet-4-5",
          max_tokens: 30,
          messages: [{ role: "user", content: "hi" }],
        }),
      });
      await r.text();
    }
    await sluice.waitForExchanges(3);
    const spent = sluice.exchanges
      .filter((e) => e.client === "alice")
      .reduce((a, e) => a + (e.costUsd ?? 0), 0);
    await sluice.stop();
    sluice = await start(db);

    browser = await launchChromium();
    const page = await browser.page();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.setViewportSize({ width: 1440, height: 1100 });
    await page.goto(`${sluice.adminUrl}/dashboard`);
    await live(page);
    await until(
      page,
      "the spend table to list both keys",
      () => document.querySelectorAll("#t-spend tr").length === 2,
    );
    const rows = await page.$$eval("#t-spend tr", (trs) =>
      trs.map((tr) => [...tr.children].map((td) => td.textContent ?? "")),
    );
    expect(rows.map((r) => r[0])).toEqual(["alice", "bob"]);
    expect(rows[0]![1]).toContain("/ $0.001");
    expect(rows[0]![2]).toContain("/ $1");
    // alice's bar against her daily budget has the share she spent.
    const width = await page.$eval("#t-spend tr td:nth-child(2) .bar", (b) => (b as HTMLElement).style.width);
    expect(Number.parseFloat(width)).toBeCloseTo(Math.min(100, (spent / 0.001) * 100), 0);
    // The chart: 30 days, today last, with the cost the ledger holds.
    await until(
      page,
      "today's bar",
      () =>
        Number((document.querySelector("#c-days .day:last-child") as HTMLElement | null)?.dataset.cost ?? 0) >
        0,
    );
    const days = await page.$$eval("#c-days .day", (ds) =>
      ds.map((d) => ({ day: (d as HTMLElement).dataset.day, cost: Number((d as HTMLElement).dataset.cost) })),
    );
    expect(days).toHaveLength(30);
    expect(days.at(-1)!.day).toBe(new Date().toISOString().slice(0, 10));
    expect(days.at(-1)!.cost).toBeCloseTo(
      sluice.app.gateway.spend.get("alice", Date.now()).day +
        sluice.app.gateway.spend.get("bob", Date.now()).day,
      10,
    );
    await page.screenshot({ path: join(OUTPUT, "dashboard-spend.png"), fullPage: true });
    expect(errors).toEqual([]);
  }, 60_000);
});
