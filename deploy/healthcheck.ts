// The container's HEALTHCHECK, run by the sluice binary itself (`BUN_BE_BUN=1 sluice healthcheck.ts`
// makes the compiled binary act as the bun CLI), so the runtime image needs no curl.
// Promises: exits 0 only when sluice's /health answers 2xx within the timeout, else 1 with one
// line on stderr. Asks the admin listener when it is on, else the main listener (TLS unverified:
// it is a loopback liveness probe). SLUICE_HEALTH_URL overrides the choice. Reads settings from
// the environment only, so in a container set ports with SLUICE_* variables, not the TOML file.

type Env = Record<string, string | undefined>;

const WILDCARDS = new Set(["", "0.0.0.0", "::", "[::]"]);

function loopbackOr(host: string | undefined): string {
  const h = host?.trim() ?? "";
  if (WILDCARDS.has(h)) return "127.0.0.1";
  return h.includes(":") && !h.startsWith("[") ? `[${h}]` : h;
}

/** The /health URL to probe for these settings. */
export function healthUrl(env: Env): string {
  const explicit = env.SLUICE_HEALTH_URL?.trim();
  if (explicit) return explicit;
  const dashboardPort = env.SLUICE_DASHBOARD_PORT?.trim() || "9090";
  if (dashboardPort !== "0") {
    return `http://${loopbackOr(env.SLUICE_DASHBOARD_HOST ?? "127.0.0.1")}:${dashboardPort}/health`;
  }
  const tlsOff = ["off", "false", "0", "no"].includes(env.SLUICE_TLS?.trim().toLowerCase() ?? "");
  const port = env.SLUICE_PORT?.trim() || "8443";
  return `${tlsOff ? "http" : "https"}://${loopbackOr(env.SLUICE_HOST)}:${port}/health`;
}

/** Probes once; resolves with the exit code and the line to print. */
export async function probe(url: string, timeoutMs = 4000): Promise<{ code: number; line: string }> {
  try {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      tls: { rejectUnauthorized: false },
    } as RequestInit);
    const body = await res.text();
    const status = /"status"\s*:\s*"([a-z]+)"/.exec(body)?.[1] ?? "?";
    return { code: res.ok ? 0 : 1, line: `${url}: HTTP ${res.status} (${status})` };
  } catch (err) {
    return { code: 1, line: `${url}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

if (import.meta.main) {
  const { code, line } = await probe(healthUrl(process.env));
  (code === 0 ? process.stdout : process.stderr).write(`${line}\n`);
  process.exit(code);
}
