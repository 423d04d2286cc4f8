// `sluice check [--config FILE] [--offline]`: validates configuration, prints the effective
// settings with their source (secrets redacted), the TLS files and each upstream's
// reachability. Exit 0 when all is well, 1 on any error.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { withoutCredentials } from "../config/credentials.ts";
import { loadConfig } from "../config/load.ts";
import { envName, isSecret, SETTING_NAMES, type SettingName } from "../config/schema.ts";
import type { Config } from "../config/types.ts";
import { redactUrl } from "../ledger/url.ts";
import { tcpProbe } from "../proxy/reachability.ts";
import { resolveProviders } from "../routing/providers.ts";
import { certInfo } from "../tls/selfsigned.ts";
import { flagString, settingFlags } from "./args.ts";

/** Every line goes out without URL credentials (a base URL may carry a user and password). */
const out = (s: string) => process.stdout.write(`${withoutCredentials(s)}\n`);

function shown(name: SettingName, value: unknown): string {
  // Connection URLs are worth seeing; only their password is secret.
  if ((name === "database_url" || name === "redis_url") && typeof value === "string")
    return value === "" ? "(empty)" : redactUrl(value);
  if (isSecret(name)) return value === "" ? "(empty)" : "(set, redacted)";
  if (typeof value === "boolean") return value ? "on" : "off";
  return typeof value === "string" ? (value === "" ? "(empty)" : value) : JSON.stringify(value);
}

/** A key pool, by size only. */
const keysShown = (keys: string[]) =>
  keys.length === 0 ? "(none)" : keys.length === 1 ? "(set)" : `(pool of ${keys.length}, redacted)`;

async function reachable(url: string, timeoutMs: number): Promise<string> {
  const u = new URL(url);
  const port = u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
  const r = await tcpProbe(u.hostname.replace(/^\[|\]$/g, ""), port, timeoutMs);
  return r.ok ? "reachable" : r.timedOut ? "UNREACHABLE (connect timeout)" : "UNREACHABLE (connect failed)";
}

function tlsProblems(config: Config): string[] {
  if (!config.tls) return [];
  if (!existsSync(config.tlsCert) || !existsSync(config.tlsKey)) {
    const defaults = config.tlsCert === "certs/server.crt";
    return defaults ? [] : [`TLS files missing: ${config.tlsCert} / ${config.tlsKey}`];
  }
  try {
    const info = certInfo(readFileSync(config.tlsCert, "utf8"));
    out(
      `tls: ${config.tlsCert}: ${info.subject}, names ${info.hosts.join(", ")}, until ${info.notAfter.toISOString()}`,
    );
    return info.notAfter.getTime() < Date.now() ? [`TLS certificate ${config.tlsCert} has expired`] : [];
  } catch (err) {
    return [`TLS certificate ${config.tlsCert} is unreadable: ${(err as Error).message}`];
  }
}

/** The [[keys]] table, the ledger and Redis, with a warning for each plain-text key. */
function gatewayLines(config: Config): void {
  for (const k of config.keys) {
    const parts = [
      k.budgetUsdDay !== undefined ? `$${k.budgetUsdDay}/day` : "",
      k.budgetUsdMonth !== undefined ? `$${k.budgetUsdMonth}/month` : "",
      k.requestsPerMinute !== undefined ? `${k.requestsPerMinute} req/min` : "",
      k.tokensPerMinute !== undefined ? `${k.tokensPerMinute} tok/min` : "",
      k.models !== undefined ? `models ${k.models.join(",")}` : "",
    ].filter(Boolean);
    out(
      `  key ${k.name}: ${k.source === "sha256" ? "key_sha256" : k.source === "env" ? "key_env" : "plain key"}${parts.length ? ` ${parts.join(" ")}` : ""}`,
    );
    if (k.source === "plain") {
      out(
        `warning: key "${k.name}" is written in plain text in the config file; use key_sha256 (sluice keys new ${k.name}) or key_env`,
      );
    }
  }
  const l = config.ledger;
  out(
    `ledger: ${l.kind === "off" ? "off" : l.kind === "sqlite" ? `sqlite ${resolve(l.path)}` : `postgres ${redactUrl(l.url)}`}, retention ${config.ledgerRetentionDays} days`,
  );
  out(
    `rate limits: ${config.redisUrl ? `fleet-wide in redis ${redactUrl(config.redisUrl)}` : "per instance"}`,
  );
}

export async function runCheck(flags: Map<string, string | true>): Promise<number> {
  const offline = flags.get("offline") === true;
  flags.delete("offline");
  const { settings, errors } = settingFlags(flags, ["config"]);
  const loaded = loadConfig({ flags: settings, configPath: flagString(flags, "config"), env: process.env });
  const problems = [...errors, ...(loaded.ok ? [] : loaded.errors)];
  if (problems.length > 0 || !loaded.ok) {
    out(`configuration is INVALID:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    return 1;
  }
  const { config, settings: flat, sources, file } = loaded;
  out(`config file: ${file ?? "(none)"}`);
  for (const name of SETTING_NAMES) {
    out(`  ${envName(name).padEnd(34)} ${shown(name, flat[name]).padEnd(42)} [${sources[name]}]`);
  }
  for (const u of Object.values(config.upstreams)) {
    if (u.apiKeys.length > 1) out(`  upstream ${u.name}: key ${keysShown(u.apiKeys)}`);
  }
  const resolved = resolveProviders(config);
  for (const [name, p] of Object.entries(config.providers)) {
    // The effective URL and format: a preset's own when the table names none.
    const r = resolved[name]!;
    out(
      `  provider ${name}: ${p.preset ?? "custom"} ${r.baseUrl || "(no base_url)"} (${r.format} format) key ${keysShown(p.apiKeys)}` +
        `${p.max_tokens !== undefined ? ` max_tokens ${p.max_tokens}` : ""}` +
        `${p.think_tags !== undefined ? ` think_tags ${p.think_tags}` : ""}`,
    );
  }
  config.routes.forEach(
    (r) =>
      void out(
        `  route ${r.api === "openai" ? "(OpenAI clients) " : ""}${r.match} -> ${r.provider}${r.model ? ` as ${r.model}` : ""}` +
          `${r.max_tokens !== undefined ? ` max_tokens ${r.max_tokens}` : ""}` +
          `${r.fallback?.length ? ` fallback ${r.fallback.join(", ")}` : ""}`,
      ),
  );
  const failures = tlsProblems(config);
  gatewayLines(config);
  if (!offline) {
    for (const url of [config.ledger.kind === "postgres" ? config.ledger.url : "", config.redisUrl]) {
      if (url === "") continue;
      const state = await reachable(url, config.connectTimeoutMs);
      out(`${url === config.redisUrl ? "redis" : "ledger"}: ${redactUrl(url)} ${state}`);
      // sluice serves without them (counting locally, buffering rows), so this is a warning.
      if (state !== "reachable") out(`warning: ${redactUrl(url)} is unreachable; sluice will keep retrying`);
    }
    for (const u of Object.values(config.upstreams)) {
      const state = await reachable(u.baseUrl, config.connectTimeoutMs);
      out(`upstream ${u.name}: ${u.baseUrl} ${state}`);
      if (state !== "reachable") failures.push(`upstream ${u.name} (${u.baseUrl}) is unreachable`);
    }
    // A collector that is down costs requests nothing, so it is reported, not a failure.
    if (config.otel.tracesUrl !== "") {
      const u = new URL(config.otel.tracesUrl);
      const state = await reachable(u.origin, config.connectTimeoutMs);
      out(
        `opentelemetry: ${u.origin}${u.pathname} ${state}${state === "reachable" ? "" : " (spans will be dropped)"}`,
      );
    }
  }
  if (failures.length > 0) {
    out(`problems:\n${failures.map((p) => `  - ${p}`).join("\n")}`);
    return 1;
  }
  out("configuration OK");
  return 0;
}
