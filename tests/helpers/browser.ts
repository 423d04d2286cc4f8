// Headless Chromium for the dashboard test: Debian's /usr/bin/chromium only (never a browser
// download), a fresh profile per launch, and the flags that keep it off the network.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { needTool } from "./tools.ts";

export const CHROMIUM = "/usr/bin/chromium";
/** Whether the browser tests can run; in CI a missing Chromium is a failing test (tools.ts). */
export const chromiumReady = (): boolean =>
  needTool(CHROMIUM, existsSync(CHROMIUM), "apt-get install -y chromium");

export interface Browser {
  context: BrowserContext;
  /** A new page whose every wait gives up well inside a test's own timeout, saying what it waited for. */
  page(): Promise<Page>;
  close(): Promise<void>;
}

/** How long one browser step may take before it fails with Playwright's own description of it. */
export const STEP_TIMEOUT_MS = 15_000;

/**
 * Waits until the page's JS says so. Polls on a timer, never on animation frames: a headless
 * page that is starved of frames (a busy CI core) must not hang the wait.
 */
export async function until<A>(page: Page, what: string, fn: (arg: A) => boolean, arg?: A): Promise<void> {
  try {
    // The function runs in the page; Playwright's own typing of its argument is looser than ours.
    await page.waitForFunction(fn as (arg: unknown) => boolean, arg, {
      polling: 100,
      timeout: STEP_TIMEOUT_MS,
    });
  } catch (err) {
    throw new Error(`waiting for ${what} on ${page.url()}: ${(err as Error).message}`);
  }
}

/** The dashboard's stream is open. */
export const live = (page: Page) =>
  until(page, "the dashboard to go live", () => document.getElementById("conn")?.textContent === "live");

export async function launchChromium(opts: { trustAnyCert?: boolean } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "sluice-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    // For sluice's self-signed test certificates only.
    ignoreHTTPSErrors: opts.trustAnyCert === true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  return {
    context,
    page: () => context.newPage(),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
