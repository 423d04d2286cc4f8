// sluice's rows of the benchmark: the compiled binary (or the source, under the profiler) at its
// defaults, and variants that each change one setting, so a row's difference to the defaults is
// that setting's cost. Promises: a started sluice has answered one proxied 200; stop() ends its
// process and the scraping.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { answers, freePort, spawnService } from "./procs.ts";
import { type BenchEnv, ready, type Target } from "./targets.ts";

/**
 * sluice's rows. Every variant starts from what a user gets without configuring anything (log
 * level info, JSON request log into a file, the admin listener on and scraped every second, the
 * ledger at its default) and changes one thing, so the difference to "defaults" is that thing's
 * cost.
 */
export type SluiceVariant =
  | "defaults"
  | "warn"
  | "tls"
  | "scrub"
  | "no-ledger"
  | "langfuse"
  | "otel"
  | "otel-content";

interface VariantSpec {
  label: string;
  /** What this row changes from the defaults, for RESULTS.md. */
  changes: string;
  tls?: boolean;
  env?: (env: BenchEnv) => Record<string, string>;
}

export const SLUICE_VARIANTS: Record<SluiceVariant, VariantSpec> = {
  defaults: { label: "sluice at its defaults", changes: "nothing" },
  warn: {
    label: "sluice, log level warn",
    changes: "SLUICE_LOG_LEVEL=warn (no request log lines)",
    env: () => ({ SLUICE_LOG_LEVEL: "warn" }),
  },
  tls: { label: "sluice, TLS", changes: "SLUICE_TLS=on", tls: true },
  scrub: {
    label: "sluice, scrubbing (redact)",
    changes: "SLUICE_SCRUB=redact",
    env: () => ({ SLUICE_SCRUB: "redact" }),
  },
  "no-ledger": {
    label: "sluice, ledger off",
    changes: "SLUICE_DATABASE_URL=off",
    env: () => ({ SLUICE_DATABASE_URL: "off" }),
  },
  langfuse: {
    label: "sluice, Langfuse on",
    changes: "Langfuse keys, SLUICE_LANGFUSE_BASE_URL pointing at a local collector that answers at once",
    env: (env) => ({
      SLUICE_LANGFUSE_BASE_URL: env.collectorUrl ?? "",
      SLUICE_LANGFUSE_PUBLIC_KEY: "pk-bench",
      SLUICE_LANGFUSE_SECRET_KEY: "sk-bench",
    }),
  },
  otel: {
    label: "sluice, OpenTelemetry export on",
    changes: "SLUICE_OTEL_ENDPOINT pointing at a local OTLP collector that answers at once",
    env: (env) => ({ SLUICE_OTEL_ENDPOINT: env.collectorUrl ?? "" }),
  },
  "otel-content": {
    label: "sluice, OpenTelemetry with content capture",
    changes: "the same plus SLUICE_OTEL_CAPTURE_CONTENT=on (prompt and answer on every span)",
    env: (env) => ({ SLUICE_OTEL_ENDPOINT: env.collectorUrl ?? "", SLUICE_OTEL_CAPTURE_CONTENT: "on" }),
  },
};

/**
 * The sluice binary's environment for a variant. Only what places it on this machine is set
 * (listeners, upstream URLs, certificate files, the deployed fetch limit); everything else is
 * left at sluice's own default, so the defaults row is what a user runs.
 */
export function sluiceEnv(env: BenchEnv, variant: SluiceVariant, port: number, adminPort: number) {
  const spec = SLUICE_VARIANTS[variant];
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: env.tmp,
    BUN_CONFIG_MAX_HTTP_REQUESTS: "4096",
    SLUICE_HOST: "127.0.0.1",
    SLUICE_PORT: String(port),
    SLUICE_TLS: spec.tls ? "on" : "off",
    SLUICE_TLS_CERT: env.certs.cert,
    SLUICE_TLS_KEY: env.certs.key,
    SLUICE_DASHBOARD_PORT: String(adminPort),
    SLUICE_ANTHROPIC_BASE_URL: env.mockUrl,
    SLUICE_OPENAI_BASE_URL: env.mockUrl,
    SLUICE_GEMINI_BASE_URL: env.mockUrl,
    ...spec.env?.(env),
  };
}

let started = 0;

/**
 * Starts one sluice with its admin listener on and scraped every second like Prometheus plus an
 * open dashboard. Its own working directory holds its ledger file. `overrides` replace variables
 * of the variant; an undefined value removes the variable.
 */
export async function startSluice(
  env: BenchEnv,
  variant: SluiceVariant,
  overrides: Record<string, string | undefined> = {},
): Promise<Target> {
  const spec = SLUICE_VARIANTS[variant];
  const port = freePort();
  const adminPort = freePort();
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...sluiceEnv(env, variant, port, adminPort), ...overrides })) {
    if (v !== undefined) vars[k] = v;
  }
  const name = `sluice-${variant}-${++started}`;
  const cwd = join(env.tmp, name);
  mkdirSync(cwd, { recursive: true });
  const spawnedAt = performance.now();
  const service = spawnService(name, [...(env.sluiceCommand ?? [env.sluice]), "serve"], {
    logDir: env.tmp,
    cwd,
    env: vars,
  });
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const target = await ready(
    service,
    {
      id: `sluice-${variant}`,
      label: spec.label,
      url: `${spec.tls ? "https" : "http"}://127.0.0.1:${port}`,
      tls: spec.tls === true,
      headers: {},
      notes: [],
      adminUrl,
    },
    spawnedAt,
  );
  const scrape = setInterval(() => {
    for (const path of ["/metrics", "/metrics/prometheus"]) void answers(adminUrl + path).catch(() => {});
  }, 1000);
  return {
    ...target,
    stop: async () => {
      clearInterval(scrape);
      await target.stop();
    },
  };
}
