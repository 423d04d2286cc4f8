// The admin key on the main port (SLUICE_ADMIN_KEY). Scripts send the key as
// `Authorization: Bearer` or `x-api-key`; browsers log in once at /dashboard/login and get a
// session cookie. Promises: every comparison is constant-time, the cookie never holds the key
// (it is an HMAC of the key under a secret that lives and dies with this process), and the
// cookie is scoped to the admin paths so it never travels with proxied requests.
import { createHmac, randomBytes } from "node:crypto";
import { presentedKeys, sameSecret } from "../proxy/auth.ts";

export const COOKIE_NAME = "sluice_admin";
/** Paths the cookie is sent to; proxied paths never get it. */
export const COOKIE_PATHS = ["/dashboard", "/metrics"] as const;
const SESSION_SECONDS = 12 * 60 * 60;

export interface AdminAuth {
  /** True when the request carries the key (header) or a valid session cookie. */
  allowed(req: Request): boolean;
  /** True when `key` is the admin key. */
  isKey(key: string): boolean;
  /** True when the request carries a key header, right or wrong (a cookie is not a key). */
  presentsKey(req: Request): boolean;
  /** Set-Cookie values that log a browser in. */
  loginCookies(): string[];
  /** Set-Cookie values that log a browser out. */
  logoutCookies(): string[];
}

export interface AdminAuthOptions {
  key: string;
  /** Mark cookies Secure (the main listener speaks TLS). */
  secure: boolean;
  /** HMAC secret; random per process unless a test pins it. */
  secret?: Uint8Array;
}

export function createAdminAuth(opts: AdminAuthOptions): AdminAuth {
  const secret = opts.secret ?? randomBytes(32);
  const token = createHmac("sha256", secret).update(opts.key).digest("base64url");
  const attrs = (path: string, maxAge: number) =>
    [
      `Path=${path}`,
      "HttpOnly",
      "SameSite=Strict",
      `Max-Age=${maxAge}`,
      ...(opts.secure ? ["Secure"] : []),
    ].join("; ");
  return {
    allowed(req) {
      // Check every credential without an early exit, so timing says nothing about which failed.
      let ok = false;
      for (const k of presentedKeys(req.headers, "")) if (sameSecret(k, opts.key)) ok = true;
      for (const c of cookieValues(req.headers.get("cookie"), COOKIE_NAME))
        if (sameSecret(c, token)) ok = true;
      return ok;
    },
    isKey: (key) => sameSecret(key, opts.key),
    presentsKey: (req) => presentedKeys(req.headers, "").length > 0,
    loginCookies: () => COOKIE_PATHS.map((p) => `${COOKIE_NAME}=${token}; ${attrs(p, SESSION_SECONDS)}`),
    logoutCookies: () => COOKIE_PATHS.map((p) => `${COOKIE_NAME}=; ${attrs(p, 0)}`),
  };
}

/** Every value of the named cookie in a Cookie header (a browser may send one per path). */
export function cookieValues(header: string | null, name: string): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) out.push(part.slice(eq + 1).trim());
  }
  return out;
}

/** The answer to a request without the key: a login redirect for pages, 401 for the rest. */
export function denied(req: Request): Response {
  const url = new URL(req.url);
  const wantsPage = req.method === "GET" && (req.headers.get("accept") ?? "").includes("text/html");
  if (wantsPage && url.pathname.startsWith("/dashboard")) {
    return new Response(null, {
      status: 303,
      headers: { location: "/dashboard/login", "cache-control": "no-store" },
    });
  }
  return Response.json(
    {
      error: {
        type: "authentication_error",
        message:
          "sluice: admin routes need the admin key (Authorization: Bearer or x-api-key) or a dashboard login",
      },
    },
    {
      status: 401,
      headers: {
        "www-authenticate": 'Bearer realm="sluice admin"',
        "cache-control": "no-store",
        "x-sluice-error": "unauthorized",
      },
    },
  );
}

/** The answer to a key sent from an address that guessed wrong too often (its key is not checked). */
export function tooManyGuesses(retryAfterSec: number): Response {
  return Response.json(
    {
      error: {
        type: "rate_limit_error",
        message: `sluice: too many wrong admin keys from this address; try again in ${retryAfterSec} s (until then even the right key is refused)`,
      },
    },
    {
      status: 429,
      headers: {
        "retry-after": String(retryAfterSec),
        "cache-control": "no-store",
        "x-sluice-error": "too_many_wrong_keys",
      },
    },
  );
}
