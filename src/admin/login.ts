// The browser's way in on the main port: GET /dashboard/login shows a one-field form, POST
// checks the admin key and sets the session cookie, POST /dashboard/logout clears it. Promises:
// the key is read from a small form body only (never the URL), a cross-site POST is refused,
// a wrong key gets the form back with a 401 and nothing else and counts against the client's
// address, and an address over its limit gets a 429 before its key is read.
import { Elysia } from "elysia";
import type { AdminAuth } from "./auth.ts";
import { csp, ICON_LINK, pageHeaders } from "./dashboard-page.ts";
import { DASHBOARD_CSS } from "./dashboard-style.ts";
import { clientAddress, type LoginLimit } from "./login-limit.ts";

const MAX_FORM_BYTES = 4096;

const STYLE = DASHBOARD_CSS;
const CSP = csp(undefined, STYLE);

function loginPage(error: string | undefined): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>sluice · log in</title>${ICON_LINK}<style>${STYLE}</style></head>
<body><div class="card login"><h2>sluice dashboard</h2>
<form method="post" action="/dashboard/login">
<label for="key" class="muted">Admin key (SLUICE_ADMIN_KEY)</label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
${error ? `<div class="err" role="alert">${error}</div>` : ""}
<button type="submit">Log in</button>
</form></div></body></html>`;
}

const page = (status: number, error?: string, extra: Record<string, string> = {}) => {
  const headers = new Headers(pageHeaders({ html: "", csp: CSP }));
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return new Response(loginPage(error), { status, headers });
};

const locked = (retryAfterSec: number) =>
  page(
    429,
    `Too many wrong keys from this address; try again in ${retryAfterSec} s. Until then even the right key is refused.`,
    { "retry-after": String(retryAfterSec) },
  );

const redirect = (to: string, cookies: string[]) => {
  const headers = new Headers({ location: to, "cache-control": "no-store" });
  for (const c of cookies) headers.append("set-cookie", c);
  return new Response(null, { status: 303, headers });
};

/**
 * A POST another site made a browser send. Sec-Fetch-Site answers directly in current browsers;
 * otherwise the Origin must match the Host. Tools that send neither (curl) are not browsers.
 */
function crossSite(req: Request): boolean {
  const site = req.headers.get("sec-fetch-site");
  if (site !== null) return site !== "same-origin" && site !== "none";
  const origin = req.headers.get("origin");
  if (origin === null) return false;
  try {
    return new URL(origin).host !== req.headers.get("host");
  } catch {
    return true;
  }
}

/** The form body, or undefined when it is too large to be a login form. */
async function readForm(req: Request): Promise<URLSearchParams | undefined> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_FORM_BYTES || !req.body)
    return declared > MAX_FORM_BYTES ? undefined : new URLSearchParams();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_FORM_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return new URLSearchParams(new TextDecoder().decode(Buffer.concat(chunks)));
}

export function loginRoutes(auth: AdminAuth, limit: LoginLimit): Elysia {
  const app = new Elysia()
    .get("/dashboard/login", ({ request }) =>
      auth.allowed(request) ? redirect("/dashboard", []) : page(200),
    )
    .post(
      "/dashboard/login",
      async ({ request, server }) => {
        if (crossSite(request)) return page(403, "Cross-site login refused.");
        const address = clientAddress(server, request);
        const wait = limit.check(address);
        if (wait > 0) return locked(wait);
        const form = await readForm(request);
        if (!form) return page(413, "That is too long to be an admin key.");
        const key = form.get("key") ?? "";
        if (key === "" || !auth.isKey(key)) {
          limit.fail(address);
          return page(401, "Wrong admin key.");
        }
        limit.succeed(address);
        return redirect("/dashboard", auth.loginCookies());
      },
      { parse: "none" },
    )
    .post(
      "/dashboard/logout",
      ({ request }) =>
        crossSite(request)
          ? page(403, "Cross-site logout refused.")
          : redirect("/dashboard/login", auth.logoutCookies()),
      { parse: "none" },
    );
  return app as unknown as Elysia;
}
