// The compiled binary's dashboard: the minified build still inlines working browser code, the
// admin listener serves it live, and over real TLS a browser logs in with the admin key and gets
// a Secure session cookie.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Browser, hasChromium, launchChromium, NO_CHROMIUM } from "../helpers/browser.ts";
import {
  type Proc,
  requireBinary,
  type SluiceBinary,
  startMockBinary,
  startSluiceBinary,
} from "./helpers.ts";

const KEY = "e2e-dashboard-admin-key";
if (!hasChromium) console.warn(NO_CHROMIUM);

describe.skipIf(!hasChromium)("dashboard of the compiled binary", () => {
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
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await sluice?.proc.stop();
    await mock?.proc.stop();
  });

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
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${sluice.adminUrl}/dashboard`);
    await page.waitForFunction(() => document.getElementById("conn")?.textContent === "live");
    for (let i = 0; i < 3; i++) await (await message()).arrayBuffer();
    await page.waitForFunction(() => document.getElementById("k-rps-sub")?.textContent === "3 total");
    expect(await page.$$eval("#t-recent tr", (rows) => rows.length)).toBe(3);
    await page.close();
    expect(errors).toEqual([]);
  }, 30_000);

  test("over TLS a browser logs in with the admin key and gets a Secure cookie", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${sluice.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe("/dashboard/login");
    await page.fill("#key", KEY);
    await page.click("button[type=submit]");
    await page.waitForFunction(() => document.getElementById("conn")?.textContent === "live");
    const cookies = await browser.context.cookies([`${sluice.url}/metrics`]);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]!.secure).toBe(true);
    expect(cookies[0]!.httpOnly).toBe(true);
    await page.click(".logout button");
    expect(new URL(page.url()).pathname).toBe("/dashboard/login");
    expect(await browser.context.cookies([`${sluice.url}/metrics`])).toEqual([]);
    await page.close();
  }, 30_000);
});
