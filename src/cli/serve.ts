// `sluice serve`: load and validate configuration, make certs on first start, listen, and
// drain on SIGTERM / SIGINT within the shutdown timeout. A second signal exits at once.
import { loadConfig } from "../config/load.ts";
import { createLogger } from "../log.ts";
import { ensureCerts, startServer } from "../server.ts";
import { VERSION } from "../version.ts";
import { flagString, settingFlags } from "./args.ts";

export async function runServe(flags: Map<string, string | true>): Promise<number> {
  const { settings, errors } = settingFlags(flags, ["config"]);
  const load = () =>
    loadConfig({ flags: settings, configPath: flagString(flags, "config"), env: process.env });
  const loaded = load();
  const problems = [...errors, ...(loaded.ok ? [] : loaded.errors)];
  if (problems.length > 0 || !loaded.ok) {
    process.stderr.write(`sluice: invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}\n`);
    return 2;
  }
  const config = loaded.config;
  const log = createLogger({ level: config.logLevel, format: config.logFormat });
  if (config.tls) {
    const certProblem = await ensureCerts(config, log);
    if (certProblem) {
      log.error(certProblem);
      return 2;
    }
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config, { log });
  } catch (err) {
    log.error("cannot start", { error: err instanceof Error ? err.message : String(err) });
    return 1;
  }
  if (!process.env.BUN_CONFIG_MAX_HTTP_REQUESTS) {
    // Read by Bun's native HTTP client at process start, so sluice cannot raise it itself.
    log.info(
      "upstream requests in flight are capped at 256 by Bun; set BUN_CONFIG_MAX_HTTP_REQUESTS=4096 for more",
    );
  }
  log.info("sluice listening", {
    version: VERSION,
    url: server.url,
    admin: server.adminUrl ? `${server.adminUrl}/dashboard` : "off",
    config: loaded.file ?? "(none)",
    anthropic: config.upstreams.anthropic.baseUrl,
    openai: config.upstreams.openai.baseUrl,
    gemini: config.upstreams.gemini.baseUrl,
  });

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) {
        log.warn("second signal, exiting now", { signal });
        resolve(1);
        return;
      }
      stopping = true;
      log.info("draining", {
        signal,
        in_flight: server.app.inFlight(),
        timeout_ms: config.shutdownTimeoutMs,
      });
      const { drained } = await server.shutdown();
      if (drained) log.info("stopped");
      else log.warn("stopped with requests still in flight (shutdown timeout)");
      resolve(0);
    };
    process.on("SIGTERM", () => void stop("SIGTERM"));
    process.on("SIGINT", () => void stop("SIGINT"));
    // SIGHUP re-reads the config file (the environment is fixed at start) and applies it.
    process.on("SIGHUP", () => {
      const next = load();
      if (!next.ok) {
        log.error("reload refused: invalid configuration, keeping the running one", {
          problems: next.errors,
        });
        return;
      }
      const { restartNeeded } = server.app.reload(next.config);
      log.info("configuration reloaded", {
        config: next.file ?? "(none)",
        routes: next.config.routes.length,
        // Client keys the gate knows: SLUICE_API_KEYS and the [[keys]] table.
        api_keys: next.config.apiKeys.length + next.config.keys.length,
        ...(restartNeeded.length > 0 ? { restart_needed_for: restartNeeded } : {}),
      });
    });
  });
}
