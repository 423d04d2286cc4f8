// The dashboard is one self-contained document whose only script is the one its CSP pins.
import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { dashboardPage } from "../../../src/admin/dashboard-page.ts";

const page = dashboardPage();
const scripts = [...page.html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);

test("the page loads nothing from elsewhere", () => {
  expect(page.html).not.toMatch(/<(script|img|iframe)[^>]*\ssrc=/i);
  expect(page.html).not.toMatch(/<link[^>]*rel="stylesheet"/i);
  expect(page.html).not.toMatch(/@import|url\(\s*["']?https?:/i);
  const links = [...page.html.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1]!);
  for (const href of links) expect(href).toMatch(/^(data:|metrics)/);
});

test("exactly one inline script, and the policy allows that one only", () => {
  expect(scripts).toHaveLength(1);
  const hash = createHash("sha256").update(scripts[0]!).digest("base64");
  expect(page.csp).toContain(`script-src 'sha256-${hash}'`);
  expect(page.csp).toContain("default-src 'none'");
  expect(page.csp).toContain("connect-src 'self'");
  expect(page.csp).toContain("frame-ancestors 'none'");
});

test("the inlined browser code is valid JavaScript", () => {
  expect(() => new Function(scripts[0]!)).not.toThrow();
});

test("every element the browser code fills is in the page", () => {
  const ids = [...scripts[0]!.matchAll(/(?:\$|set|chart|fill)\("([a-z]-?[\w-]*)"/g)].map((m) => m[1]!);
  expect(ids.length).toBeGreaterThan(10);
  for (const id of new Set(ids)) expect(page.html).toContain(`id="${id}"`);
});
