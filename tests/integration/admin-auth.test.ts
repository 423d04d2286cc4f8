// Admin routes on the main port: absent (plain proxied paths) without SLUICE_ADMIN_KEY; with it,
// closed to anyone without the key, open to the key as a header and to a browser that logged
// in. The admin listener itself needs no key.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";

const KEY = "admin-0123456789abcdef";
const ADMIN_PATHS = ["/dashboard", "/metrics", "/metrics/stream", "/metrics/prometheus"];
let mock: MockServer;
beforeAll(() => {
  mock = startMockUpstream({ port: 0 });
});
afterAll(async () => {
  await mock.stop();
});

describe("without an admin key", () => {
  let sluice: TestSluice;
  beforeAll(async () => {
    sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: mock.url }, { admin: true });
  });
  afterAll(() => sluice.stop());

  test("admin paths on the main port are proxied like any other path", async () => {
    for (const path of ADMIN_PATHS) {
      const before = mock.requests.length;
      const r = await fetch(`${sluice.url}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
      await r.arrayBuffer();
      expect(mock.requests.length).toBe(before + 1);
      expect(mock.requests.at(-1)!.path).toBe(path);
      expect(r.headers.get("x-sluice-request-id")).not.toBeNull();
    }
  });

  test("the admin listener serves them with no key", async () => {
    expect((await fetch(`${sluice.adminUrl}/metrics`)).status).toBe(200);
    expect((await fetch(`${sluice.adminUrl}/metrics/prometheus`)).status).toBe(200);
    const page = await fetch(`${sluice.adminUrl}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect((await fetch(`${sluice.adminUrl}/dashboard/login`)).status).toBe(404);
    const root = await fetch(`${sluice.adminUrl}/`, { redirect: "manual" });
    expect(root.status).toBe(302);
    expect(root.headers.get("location")).toBe("/dashboard");
  });
});

describe("with SLUICE_ADMIN_KEY", () => {
  let sluice: TestSluice;
  beforeAll(async () => {
    sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: mock.url, SLUICE_ADMIN_KEY: KEY });
  });
  afterAll(() => sluice.stop());

  const login = (key: string, headers: Record<string, string> = {}) =>
    fetch(`${sluice.url}/dashboard/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams({ key }).toString(),
      redirect: "manual",
    });

  test("without the key every admin path is refused and nothing reaches upstream", async () => {
    const before = mock.requests.length;
    for (const path of ADMIN_PATHS) {
      const attempts: Record<string, string>[] = [
        {},
        { authorization: "Bearer wrong" },
        { "x-api-key": `${KEY}x` },
      ];
      for (const headers of attempts) {
        const r = await fetch(`${sluice.url}${path}`, { headers });
        expect(r.status).toBe(401);
        expect(r.headers.get("www-authenticate")).toBe('Bearer realm="sluice admin"');
        expect(r.headers.get("x-sluice-error")).toBe("unauthorized");
        const body = await r.json();
        expect(body.error.type).toBe("authentication_error");
        expect(body.error.message).toStartWith("sluice: ");
      }
    }
    expect(mock.requests.length).toBe(before);
  });

  test("the key as a bearer token or x-api-key opens every admin path", async () => {
    for (const path of ADMIN_PATHS) {
      const ways: Record<string, string>[] = [{ authorization: `Bearer ${KEY}` }, { "x-api-key": KEY }];
      for (const headers of ways) {
        const controller = new AbortController();
        const r = await fetch(`${sluice.url}${path}`, { headers, signal: controller.signal });
        expect(r.status).toBe(200);
        controller.abort();
      }
    }
  });

  test("a browser without a session is sent to the login form", async () => {
    const r = await fetch(`${sluice.url}/dashboard`, {
      headers: { accept: "text/html" },
      redirect: "manual",
    });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/dashboard/login");
    const form = await fetch(`${sluice.url}/dashboard/login`);
    expect(form.status).toBe(200);
    expect(form.headers.get("content-security-policy")).toContain("script-src 'none'");
    expect(await form.text()).toContain('<input id="key" name="key" type="password"');
  });

  test("a wrong key gets the form back with 401 and no cookie", async () => {
    const r = await login("not-it");
    expect(r.status).toBe(401);
    expect(r.headers.getSetCookie()).toEqual([]);
    expect(await r.text()).toContain("Wrong admin key.");
  });

  test("the right key sets a session cookie that opens the dashboard and the metrics", async () => {
    const r = await login(KEY);
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/dashboard");
    const cookies = r.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    const cookie = cookies[0]!.split(";")[0]!;
    expect(cookie).not.toContain(KEY);
    const page = await fetch(`${sluice.url}/dashboard`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect((await fetch(`${sluice.url}/metrics`, { headers: { cookie } })).status).toBe(200);
    expect(
      (await fetch(`${sluice.url}/dashboard/login`, { headers: { cookie }, redirect: "manual" })).status,
    ).toBe(303);
  });

  test("a login posted from another site is refused", async () => {
    const r = await login(KEY, { origin: "https://evil.example" });
    expect(r.status).toBe(403);
    expect(r.headers.getSetCookie()).toEqual([]);
    const fetchMeta = await login(KEY, { "sec-fetch-site": "cross-site" });
    expect(fetchMeta.status).toBe(403);
  });

  test("an oversized login form is refused without reading it all", async () => {
    const r = await login("k".repeat(10_000));
    expect(r.status).toBe(413);
  });

  test("logging out expires the cookie on both admin paths", async () => {
    const r = await fetch(`${sluice.url}/dashboard/logout`, { method: "POST", redirect: "manual" });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/dashboard/login");
    const cookies = r.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    for (const c of cookies) expect(c).toContain("Max-Age=0");
  });

  test("/health stays open and other paths are still proxied", async () => {
    expect((await fetch(`${sluice.url}/health`)).status).toBe(200);
    const before = mock.requests.length;
    await (await fetch(`${sluice.url}/metricsfoo`)).arrayBuffer();
    expect(mock.requests.length).toBe(before + 1);
  });
});
