// Starts sluice's listeners for a validated Config and stops them gracefully. Used by
// `sluice serve` and by tests, which get the very same TLS server in-process.
import { existsSync } from "node:fs";
import { type AppDeps, createApp, type SluiceApp } from "./app.ts";
import type { Config } from "./config/types.ts";
import type { Logger } from "./log.ts";
import { defaultCertHosts, trustHint, writeCertFiles } from "./tls/selfsigned.ts";

export interface RunningServer {
  app: SluiceApp;
  /** https://host:port (or http:// with tls off). */
  url: string;
  adminUrl?: string;
  /** Stop accepting, let in-flight requests finish until the deadline, then close. */
  shutdown(deadlineMs?: number): Promise<{ drained: boolean }>;
}

const DEFAULT_CERT = "certs/server.crt";
const LEDGER_WAIT_MS = 5000;
const DEFAULT_KEY = "certs/server.key";

/** Generates the default cert pair on first start; a user-named missing file is an error. */
export async function ensureCerts(config: Config, log: Logger): Promise<string | undefined> {
  const certOk = existsSync(config.tlsCert);
  const keyOk = existsSync(config.tlsKey);
  if (certOk && keyOk) return undefined;
  const defaults = config.tlsCert === DEFAULT_CERT && config.tlsKey === DEFAULT_KEY;
  if (!defaults || certOk !== keyOk) {
    const missing = [certOk ? "" : config.tlsCert, keyOk ? "" : config.tlsKey].filter(Boolean).join(" and ");
    return `TLS file not found: ${missing} (run "sluice certs", or --no-tls behind a TLS terminator)`;
  }
  await writeCertFiles(config.tlsCert, config.tlsKey, defaultCertHosts());
  log.info("generated a self-signed certificate", { cert: config.tlsCert, key: config.tlsKey });
  for (const line of trustHint(config.tlsCert).split("\n")) log.info(line);
  return undefined;
}

/**
 * Elysia's listen() turns SO_REUSEPORT on and Bun's development mode on (unless NODE_ENV is
 * production). sluice wants neither: a second instance on a taken port must fail loudly instead
 * of silently sharing it, and an unexpected error must never become a page with a stack trace.
 */
const LISTEN_DEFAULTS = { reusePort: false, development: false } as const;

const hostForUrl = (host: string) => {
  const h = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return h.includes(":") ? `[${h}]` : h;
};

export async function startServer(config: Config, deps: Omit<AppDeps, "config">): Promise<RunningServer> {
  const app = createApp({ ...deps, config });
  // Budgets must start from the spend before a restart; a ledger that does not answer yet
  // (PostgreSQL still starting) delays start-up a little, never for good.
  if (!(await app.ready(LEDGER_WAIT_MS))) {
    deps.log.warn(
      "the ledger did not answer at start; serving anyway, budgets count from zero until it does",
      {
        wait_ms: LEDGER_WAIT_MS,
      },
    );
  }
  const tls = config.tls
    ? { cert: await Bun.file(config.tlsCert).text(), key: await Bun.file(config.tlsKey).text() }
    : undefined;
  app.main.listen({
    ...LISTEN_DEFAULTS,
    hostname: config.host,
    port: config.port,
    ...(tls ? { tls } : {}),
    // Finite, so a client trickling its request is cut; lifted per request once the body is in.
    idleTimeout: config.clientTimeoutSec,
    // sluice answers oversize bodies itself (413 in the client's format, before reading a byte of
    // a declared length over the limit); Bun's own cap would answer a bare 413 first.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
  });
  const main = app.main.server!;
  const url = `${tls ? "https" : "http"}://${hostForUrl(config.host)}:${main.port}`;
  let adminUrl: string | undefined;
  if (config.dashboardPort > 0) {
    app.admin.listen({
      ...LISTEN_DEFAULTS,
      hostname: config.dashboardHost,
      port: config.dashboardPort,
      idleTimeout: 0,
    });
    adminUrl = `http://${hostForUrl(config.dashboardHost)}:${app.admin.server!.port}`;
  }

  return {
    app,
    url,
    ...(adminUrl ? { adminUrl } : {}),
    async shutdown(deadlineMs = config.shutdownTimeoutMs) {
      app.drain();
      // Stop accepting new connections; open ones finish their requests.
      const stopped = main.stop(false);
      const until = Date.now() + deadlineMs;
      while (app.inFlight() > 0 && Date.now() < until) await Bun.sleep(25);
      const drained = app.inFlight() === 0;
      main.stop(true);
      await Promise.race([stopped, Bun.sleep(50)]);
      // Pending Langfuse traces and spans get what is left of the deadline; the rest is dropped and counted.
      const left = until - Date.now();
      await Promise.all([app.telemetry.flush(left), app.otel.flush(left)]);
      // The ledger's last second: at least one attempt, even when draining used the deadline up.
      await app.close(Math.max(1000, until - Date.now()));
      app.admin.server?.stop(true);
      return { drained };
    },
  };
}
