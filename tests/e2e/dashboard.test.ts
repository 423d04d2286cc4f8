// The compiled binary's dashboard: the minified build still inlines working browser code, the
// admin listener serves it live, and over real TLS a browser logs in with the admin key and gets
// a Secure session cookie.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { type Browser, chromiumReady, launchChromium, live, until } from "../helpers/browser.ts";
import {
  type Proc,
  requireBinary,
  type SluiceBinary,
  startMockBinary,
  startSluiceBinary,
} from "./helpers.ts";

const KEY = "e2e-dashboard-admin-key";
const OUTPUT = join(import.meta.dir, "..", "output");

describe.skipIf(!chromiumReady())("dashboard of the compiled binary", () => {
  let mock: { url: string; proc: Proc };
  let sluice: SluiceBinary;
  let browser: Browser;
  beforeAll(async () => {
    requireBinary();
    mock = await startMockBinary();
    sluice = await startSluiceBinary(
      { SLUICE_ANTHROPIC_BASE_URL: mock.url, SLUICE_ADMIN_KEY: KEY },
      { admin: true },
    );
    browser = await launchChromium({ trustAnyCert: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await sluice?.proc.stop();
    await mock?.proc.stop();
  });

  /** Runs a browser story; when it fails, keeps a screenshot and says what sluice logged. */
  async function story(name: string, run: (page: Page) => Promise<void>): Promise<void> {
    const page = await browser.page();
    try {
      await run(page);
    } catch (err) {
      mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: join(OUTPUT, `e2e-${name}-failed.png`), timeout: 5000 }).catch(() => {});
      const log = sluice.proc.output().split("\n").slice(-15).join("\n");
      throw new Error(`${(err as Error).message}\n--- page ${page.url()}; sluice's last log lines:\n${log}`);
    } finally {
      await page.close().catch(() => {});
    }
  }

  const message = () =>
    sluice.fetch("/v1/messages", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "claude-haiku-4-5",
        max_tokens: 20,
        messages: [{ role: "user", content: "hi" }],
      }),
    });

  test("the admin listener's page goes live and counts traffic, with no console errors", async () => {
    const errors: string[] = [];
    await story("admin-live", async (page) => {
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${sluice.adminUrl}/dashboard`);
      await live(page);
      for (let i = 0; i < 3; i++) await (await message()).arrayBuffer();
      await until(
        page,
        "3 requests counted",
        () => document.getElementById("k-rps-sub")?.textContent === "3 total",
      );
      expect(await page.$$eval("#t-recent tr", (rows) => rows.length)).toBe(3);
    });
    expect(errors).toEqual([]);
  }, 60_000);

  test("over TLS a browser logs in with the admin key and gets a Secure cookie", async () => {
    await story("tls-login", async (page) => {
      await page.goto(`${sluice.url}/dashboard`);
      expect(new URL(page.url()).pathname).toBe("/dashboard/login");
      // Typed and sent with Enter, as a user does; the wait is on the navigation, not on frames.
      await page.fill("#key", KEY);
      await Promise.all([page.waitForURL(`${sluice.url}/dashboard`), page.press("#key", "Enter")]);
      await live(page);
      const cookies = await browser.context.cookies([`${sluice.url}/metrics`]);
      expect(cookies).toHaveLength(1);
      expect(cookies[0]!.secure).toBe(true);
      expect(cookies[0]!.httpOnly).toBe(true);
      await page.focus(".logout button");
      await Promise.all([page.waitForURL(`${sluice.url}/dashboard/login`), page.keyboard.press("Enter")]);
      expect(await browser.context.cookies([`${sluice.url}/metrics`])).toEqual([]);
    });
  }, 60_000);
});
