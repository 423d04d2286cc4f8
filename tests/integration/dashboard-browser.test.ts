// The dashboard in a real (headless) Chromium: it loads without a single console error, its
// numbers move while traffic flows, it survives a dropped stream, and a browser can log in on
// the main port with the admin key. Screenshots land in tests/output/ for a human to look at.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { type Browser, chromiumReady, launchChromium, live, until } from "../helpers/browser.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { sendTraffic } from "../helpers/traffic.ts";

const OUTPUT = join(import.meta.dir, "..", "output");
const ADMIN_KEY = "dashboard-admin-key-for-tests";
const KEYS = ["k-alice", "k-bob", "k-ci"];

describe.skipIf(!chromiumReady())("dashboard in headless Chromium", () => {
  let mock: MockServer;
  let sluice: TestSluice;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    mock = startMockUpstream({ port: 0 });
    sluice = await startSluice(
      {
        SLUICE_ANTHROPIC_BASE_URL: mock.url,
        SLUICE_OPENAI_BASE_URL: mock.url,
        SLUICE_GEMINI_BASE_URL: mock.url,
        SLUICE_API_KEYS: `alice=${KEYS[0]},bob=${KEYS[1]},ci-runner=${KEYS[2]}`,
        SLUICE_ADMIN_KEY: ADMIN_KEY,
        SLUICE_RETRY_MAX: "0",
      },
      { admin: true },
    );
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await sluice?.stop();
    await mock?.stop();
  });

  /** A page that records every console error and uncaught exception. */
  async function open(url: string, viewport = { width: 1440, height: 900 }) {
    const page = await browser.context.newPage();
    await page.setViewportSize(viewport);
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    return { page, errors };
  }

  const text = (page: Page, id: string) => page.$eval(`#${id}`, (el) => el.textContent ?? "");

  test(
    "the page loads cleanly and its numbers follow the traffic",
    async () => {
      const { page, errors } = await open(`${sluice.adminUrl}/dashboard`);
      await live(page);
      expect(await text(page, "k-rps-sub")).toBe("0 total");
      const traffic = sendTraffic({ url: sluice.url, keys: KEYS, durationMs: 14_000, concurrency: 5 });
      await until(
        page,
        "traffic counted",
        () => document.getElementById("k-rps-sub")?.textContent !== "0 total",
      );
      const early = await text(page, "k-rps-sub");
      const sent = await traffic;
      await until(
        page,
        "every request counted",
        (n) => document.getElementById("k-rps-sub")?.textContent === `${n.toLocaleString("en-US")} total`,
        sent,
      );
      expect(await text(page, "k-rps-sub")).not.toBe(early);
      // A request whose cache is written with the 1-hour TTL shows in the models table.
      const hour = await fetch(`${sluice.url}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": KEYS[0]!, "anthropic-version": "2023-06-01", "x-mock-cache": "write" },
        body: JSON.stringify({
          model: "claude-opus-5-5",
          max_tokens: 16,
          system: [
            { type: "text", text: "rules ".repeat(50), cache_control: { type: "ephemeral", ttl: "1h" } },
          ],
          messages: [{ role: "user", content: "hi" }],
        }),
      });
      expect(hour.status).toBe(200);
      await hour.arrayBuffer();
      await until(page, "the 1-hour cache writes", () =>
        [...document.querySelectorAll("#t-models tr")].some(
          (tr) => tr.textContent?.includes("claude-opus-5-5") && tr.textContent.includes("(1h "),
        ),
      );
      expect(await page.$$eval("#t-recent tr", (rows) => rows.length)).toBe(50);
      expect(await page.$$eval("#t-models td.key", (tds) => tds.map((td) => td.textContent))).toContain(
        "claude-sonnet-4-5",
      );
      expect(await page.$$eval("#t-clients td.key", (tds) => tds.map((td) => td.textContent).sort())).toEqual(
        ["alice", "bob", "ci-runner"],
      );
      expect(await page.$$eval("#t-sessions tr", (rows) => rows.length)).toBe(3);
      await page.screenshot({ path: join(OUTPUT, "dashboard-light.png"), fullPage: true });
      await page.emulateMedia({ colorScheme: "dark" });
      await Bun.sleep(1200); // the charts pick the new colours up with the next snapshot
      await page.screenshot({ path: join(OUTPUT, "dashboard-desktop.png"), fullPage: true });

      const phone = await open(`${sluice.adminUrl}/dashboard`, { width: 390, height: 844 });
      await live(phone.page);
      await phone.page.screenshot({ path: join(OUTPUT, "dashboard-phone.png") });
      await phone.page.close();
      await page.close();
      expect([...errors, ...phone.errors]).toEqual([]);
    },
    { timeout: 60_000 },
  );

  test("the alert banner comes up when the error rate is high", async () => {
    const { page, errors } = await open(`${sluice.adminUrl}/dashboard`);
    await live(page);
    expect(await page.$eval("#alert", (el) => el.className)).toBe("alert");
    const failing = Array.from({ length: 60 }, () =>
      fetch(`${sluice.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEYS[0]}`, "x-mock-status": "500" },
        body: JSON.stringify({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "hi" }] }),
      }).then((r) => r.arrayBuffer()),
    );
    await Promise.all(failing);
    await until(
      page,
      "the alert banner",
      () => document.getElementById("alert")?.classList.contains("on") === true,
    );
    expect(await text(page, "alert")).toStartWith("High error rate:");
    // Five 500s in a row opened the OpenAI upstream's circuit breaker; the targets table says so.
    await until(page, "the open breaker", () =>
      [...document.querySelectorAll("#t-targets tr")].some(
        (tr) => tr.textContent?.startsWith("openai") && tr.textContent.includes("open, probe in"),
      ),
    );
    expect(
      await page.$$eval("#t-targets tr", (rows) =>
        rows.find((r) => r.textContent?.startsWith("anthropic"))?.textContent?.includes("closed"),
      ),
    ).toBe(true);
    await page.screenshot({ path: join(OUTPUT, "dashboard-alert.png") });
    await page.close();
    expect(errors).toEqual([]);
  }, 20_000);

  test("the page reconnects by itself when the stream drops", async () => {
    const { page, errors } = await open(`${sluice.adminUrl}/dashboard`);
    await live(page);
    const port = sluice.app.admin.server!.port;
    sluice.app.admin.server!.stop(true);
    await until(
      page,
      "the page to see the drop",
      () => document.getElementById("conn")?.textContent?.startsWith("reconnecting") === true,
    );
    sluice.app.admin.listen({ hostname: "127.0.0.1", port, idleTimeout: 0 });
    const before = await text(page, "updated");
    await live(page);
    await until(
      page,
      "a fresh snapshot",
      (b) => document.getElementById("updated")?.textContent !== b,
      before,
    );
    await page.close();
    // The browser reports the refused reconnect attempts; nothing else may fail.
    expect(
      errors.filter((e) => !/ERR_CONNECTION_REFUSED|ERR_INCOMPLETE_CHUNKED_ENCODING|EventSource/.test(e)),
    ).toEqual([]);
  }, 20_000);

  test("a browser logs in on the main port with the admin key", async () => {
    const { page, errors } = await open(`${sluice.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe("/dashboard/login");
    await page.fill("#key", "not-the-key");
    await page.click("button[type=submit]");
    expect(await page.textContent(".err")).toBe("Wrong admin key.");
    await page.fill("#key", ADMIN_KEY);
    await page.click("button[type=submit]");
    expect(new URL(page.url()).pathname).toBe("/dashboard");
    await live(page);
    const cookies = await browser.context.cookies([`${sluice.url}/dashboard`, `${sluice.url}/metrics`]);
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies) {
      expect(c.httpOnly).toBe(true);
      expect(c.sameSite).toBe("Strict");
      expect(c.value).not.toContain(ADMIN_KEY);
    }
    await page.close();
    // The wrong key's 401 is the only error the console may show.
    expect(errors.filter((e) => !e.includes("401"))).toEqual([]);
  }, 20_000);
});
