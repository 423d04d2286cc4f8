// Guessing SLUICE_ADMIN_KEY on the main port: ten wrong keys from one address (at the login form
// or as a header on an admin route) and the next attempt gets 429 with retry-after, the right key
// included, until the window ends. Sessions keep working, and the admin listener counts nothing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { LOGIN_LIMIT_DEFAULTS } from "../../src/admin/login-limit.ts";
import { createLogger } from "../../src/log.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

const KEY = "admin-limit-0123456789abcdef";
const LIMIT = LOGIN_LIMIT_DEFAULTS.maxFailures;
const WINDOW_SEC = LOGIN_LIMIT_DEFAULTS.windowMs / 1000;

const login = (sluice: TestSluice, key: string) =>
  fetch(`${sluice.url}/dashboard/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ key }).toString(),
    redirect: "manual",
  });

const metrics = (sluice: TestSluice, headers: Record<string, string>) =>
  fetch(`${sluice.url}/metrics`, { headers });

/** A retry-after header within the window, as a number. */
function retryAfter(r: Response): number {
  const s = Number(r.headers.get("retry-after"));
  expect(Number.isInteger(s)).toBe(true);
  expect(s).toBeGreaterThanOrEqual(1);
  expect(s).toBeLessThanOrEqual(WINDOW_SEC);
  return s;
}

describe("wrong keys at the login form", () => {
  let sluice: TestSluice;
  let cookie = "";
  const lines: string[] = [];
  beforeAll(async () => {
    sluice = await startSluice(
      { SLUICE_ADMIN_KEY: KEY },
      { log: createLogger({ level: "info", format: "json", write: (l) => lines.push(l) }) },
    );
  });
  afterAll(() => sluice.stop());

  test("a right key at the form forgets the wrong ones before it", async () => {
    for (let i = 0; i < LIMIT - 1; i++) expect((await login(sluice, `wrong-${i}`)).status).toBe(401);
    const r = await login(sluice, KEY);
    expect(r.status).toBe(303);
    cookie = r.headers.getSetCookie()[0]!.split(";")[0]!;
  });

  test("after ten wrong keys in a row the next attempt gets the form with 429 and retry-after", async () => {
    for (let i = 0; i < LIMIT; i++) expect((await login(sluice, `wrong-${i}`)).status).toBe(401);
    const r = await login(sluice, "wrong-again");
    expect(r.status).toBe(429);
    // The operator hears about it once, with the address, never the keys tried.
    const locked = lines.filter((l) => l.includes("locked out"));
    expect(locked).toHaveLength(1);
    expect(JSON.parse(locked[0]!)).toMatchObject({ level: "warn", address: "127.0.0.1" });
    expect(locked[0]).not.toContain("wrong-");
    const wait = retryAfter(r);
    expect(r.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(r.headers.getSetCookie()).toEqual([]);
    expect(await r.text()).toContain(`Too many wrong keys from this address; try again in ${wait} s.`);
  });

  test("while locked the right key is refused too, at the form and as a header", async () => {
    const form = await login(sluice, KEY);
    expect(form.status).toBe(429);
    expect(form.headers.getSetCookie()).toEqual([]);
    expect(await form.text()).toContain("even the right key is refused");
    const ways: Record<string, string>[] = [{ authorization: `Bearer ${KEY}` }, { "x-api-key": KEY }];
    for (const headers of ways) {
      const r = await metrics(sluice, headers);
      expect(r.status).toBe(429);
      retryAfter(r);
      expect(r.headers.get("x-sluice-error")).toBe("too_many_wrong_keys");
      expect((await r.json()).error.message).toStartWith(
        "sluice: too many wrong admin keys from this address",
      );
    }
  });

  test("a session from before the lockout still opens the admin routes", async () => {
    expect((await metrics(sluice, { cookie })).status).toBe(200);
    expect((await fetch(`${sluice.url}/dashboard`, { headers: { cookie } })).status).toBe(200);
  });

  test("refused attempts are counted on /metrics and in Prometheus", async () => {
    const view = await (await metrics(sluice, { cookie })).json();
    expect(view.extra.admin_logins_refused_total).toBe(4);
    const prom = await (await fetch(`${sluice.url}/metrics/prometheus`, { headers: { cookie } })).text();
    expect(prom).toContain("sluice_admin_logins_refused_total 4");
  });
});

describe("wrong keys as headers on admin routes", () => {
  let sluice: TestSluice;
  beforeAll(async () => {
    sluice = await startSluice({ SLUICE_ADMIN_KEY: KEY }, { admin: true });
  });
  afterAll(() => sluice.stop());

  test("a stale session cookie or no key at all is not a guess", async () => {
    for (let i = 0; i < LIMIT * 2; i++) {
      expect((await metrics(sluice, { cookie: `sluice_admin=stale-${i}` })).status).toBe(401);
      expect((await metrics(sluice, {})).status).toBe(401);
    }
    expect((await metrics(sluice, { authorization: `Bearer ${KEY}` })).status).toBe(200);
  });

  test("bearer and x-api-key guesses count: the next attempt gets 429 JSON with retry-after", async () => {
    for (let i = 0; i < LIMIT; i++) {
      const headers: Record<string, string> =
        i % 2 ? { authorization: `Bearer wrong-${i}` } : { "x-api-key": `wrong-${i}` };
      expect((await metrics(sluice, headers)).status).toBe(401);
    }
    const r = await fetch(`${sluice.url}/metrics/prometheus`, { headers: { authorization: "Bearer wrong" } });
    expect(r.status).toBe(429);
    const wait = retryAfter(r);
    expect(r.headers.get("content-type")).toContain("application/json");
    const body = await r.json();
    expect(body.error.message).toContain(`try again in ${wait} s`);
  });

  test("the header guesses lock the login form too, right key included", async () => {
    const r = await login(sluice, KEY);
    expect(r.status).toBe(429);
    retryAfter(r);
  });

  test("the admin listener needs no key and counts nothing", async () => {
    for (let i = 0; i < LIMIT * 2; i++) {
      const r = await fetch(`${sluice.adminUrl}/metrics`, {
        headers: { authorization: `Bearer wrong-${i}` },
      });
      expect(r.status).toBe(200);
      await r.arrayBuffer();
    }
  });
});
