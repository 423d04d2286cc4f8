// Which Host names the plain-HTTP admin listener answers to. It needs no key, so a web page that
// points its own domain at 127.0.0.1 (DNS rebinding) could otherwise read /metrics and the
// dashboard from the operator's browser. Such a page can only send its own domain as Host, so
// the listener answers only to loopback names, the address it is bound to, names the operator
// lists (SLUICE_DASHBOARD_ALLOWED_HOSTS, "*" for any), and IP literals (a page can only send an
// IP as Host when it is served from that very IP: same origin, no rebinding). Others get 421.
// Pure apart from building the 421 answer.

const LOOPBACK = ["localhost", "127.0.0.1", "::1"];
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The host name of a Host header value, lower case, without port, brackets or a trailing dot. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  const name = h.startsWith("[")
    ? h.slice(1, h.indexOf("]") < 0 ? undefined : h.indexOf("]"))
    : h.split(":")[0]!;
  return name.replace(/\.$/, "");
}

/** The names an admin listener bound to `bindHost` answers to, plus the operator's list. */
export function allowedHosts(bindHost: string, extra: readonly string[]): Set<string> {
  const names = new Set([...LOOPBACK, ...extra.map(hostName)]);
  if (bindHost !== "0.0.0.0" && bindHost !== "::" && bindHost !== "") names.add(hostName(bindHost));
  return names;
}

/** True when a request with this Host header may be answered. */
export function hostAllowed(host: string | null, allowed: ReadonlySet<string>): boolean {
  if (host === null || allowed.has("*")) return true;
  const name = hostName(host);
  return allowed.has(name) || IPV4.test(name) || name.includes(":");
}

export function misdirected(host: string): Response {
  return Response.json(
    {
      error: {
        type: "misdirected_request",
        message: `sluice: the admin listener does not answer to Host ${hostName(host)}; list it in SLUICE_DASHBOARD_ALLOWED_HOSTS`,
      },
    },
    { status: 421, headers: { "cache-control": "no-store" } },
  );
}
