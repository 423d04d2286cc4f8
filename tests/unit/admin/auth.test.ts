// The admin key: accepted as a header or a session cookie that never contains the key.
import { expect, test } from "bun:test";
import {
  COOKIE_NAME,
  cookieValues,
  createAdminAuth,
  denied,
  tooManyGuesses,
} from "../../../src/admin/auth.ts";

const KEY = "admin-key-0123456789";
const req = (headers: Record<string, string>, path = "/metrics") =>
  new Request(`http://127.0.0.1${path}`, { headers });

test("the key is accepted as a bearer token or x-api-key, and nothing else", () => {
  const auth = createAdminAuth({ key: KEY, secure: false });
  expect(auth.allowed(req({ authorization: `Bearer ${KEY}` }))).toBe(true);
  expect(auth.allowed(req({ "x-api-key": KEY }))).toBe(true);
  expect(auth.allowed(req({}))).toBe(false);
  expect(auth.allowed(req({ authorization: `Bearer ${KEY}x` }))).toBe(false);
  expect(auth.allowed(req({ authorization: KEY }))).toBe(false);
  expect(auth.allowed(new Request(`http://127.0.0.1/metrics?key=${KEY}`))).toBe(false);
});

test("the login cookie grants access, holds no trace of the key and is scoped to admin paths", () => {
  const auth = createAdminAuth({ key: KEY, secure: false });
  const cookies = auth.loginCookies();
  expect(cookies.map((c) => c.split("; ").find((a) => a.startsWith("Path=")))).toEqual([
    "Path=/dashboard",
    "Path=/metrics",
  ]);
  for (const c of cookies) {
    expect(c).toContain("HttpOnly");
    expect(c).toContain("SameSite=Strict");
    expect(c).not.toContain("Secure");
    expect(c).not.toContain(KEY);
  }
  const value = cookies[0]!.split(";")[0]!;
  expect(auth.allowed(req({ cookie: `theme=dark; ${value}` }))).toBe(true);
  expect(auth.allowed(req({ cookie: `${COOKIE_NAME}=${KEY}` }))).toBe(false);
  expect(auth.allowed(req({ cookie: `${value}x` }))).toBe(false);
});

test("cookies are Secure when the main port speaks TLS", () => {
  const auth = createAdminAuth({ key: KEY, secure: true });
  for (const c of [...auth.loginCookies(), ...auth.logoutCookies()]) expect(c).toContain("; Secure");
});

test("a cookie from another process (another secret) is refused", () => {
  const a = createAdminAuth({ key: KEY, secure: false });
  const b = createAdminAuth({ key: KEY, secure: false });
  expect(b.allowed(req({ cookie: a.loginCookies()[0]!.split(";")[0]! }))).toBe(false);
});

test("logout cookies expire the session on both paths", () => {
  const auth = createAdminAuth({ key: KEY, secure: false });
  expect(auth.logoutCookies()).toHaveLength(2);
  for (const c of auth.logoutCookies()) expect(c).toStartWith(`${COOKIE_NAME}=; `);
  for (const c of auth.logoutCookies()) expect(c).toContain("Max-Age=0");
});

test("cookie values are read per name, repeated names included", () => {
  expect(cookieValues("a=1; sluice_admin=x; b=2; sluice_admin=y", "sluice_admin")).toEqual(["x", "y"]);
  expect(cookieValues(null, "sluice_admin")).toEqual([]);
});

test("a browser asking for the dashboard is sent to the login form; anything else gets 401", async () => {
  const page = denied(req({ accept: "text/html,application/xhtml+xml" }, "/dashboard"));
  expect(page.status).toBe(303);
  expect(page.headers.get("location")).toBe("/dashboard/login");
  const api = denied(req({ accept: "text/html" }, "/metrics"));
  expect(api.status).toBe(401);
  expect(api.headers.get("www-authenticate")).toContain("Bearer");
  expect((await api.json()).error.type).toBe("authentication_error");
});

test("any key header is a guess, right or wrong; a cookie or no credential is not", () => {
  const auth = createAdminAuth({ key: KEY, secure: false });
  expect(auth.presentsKey(req({ authorization: "Bearer wrong" }))).toBe(true);
  expect(auth.presentsKey(req({ "x-api-key": KEY }))).toBe(true);
  expect(auth.presentsKey(req({ cookie: `${COOKIE_NAME}=whatever` }))).toBe(false);
  expect(auth.presentsKey(req({}))).toBe(false);
});

test("too many guesses get 429 in the JSON error format with retry-after in seconds", async () => {
  const r = tooManyGuesses(42);
  expect(r.status).toBe(429);
  expect(r.headers.get("retry-after")).toBe("42");
  expect(r.headers.get("cache-control")).toBe("no-store");
  const body = await r.json();
  expect(body.error.type).toBe("rate_limit_error");
  expect(body.error.message).toContain("try again in 42 s");
  expect(body.error.message).toContain("even the right key is refused");
});
