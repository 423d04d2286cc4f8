// `sluice check [--config FILE] [--offline]`: validates configuration, prints the effective
// settings with their source (secrets redacted), the TLS files and each upstream's
// reachability. Exit 0 when all is well, 1 on any error.
import { existsSync, readFileSync } from "node:fs";
import { withoutCredentials } from "../config/credentials.ts";
import { loadConfig } from "../config/load.ts";
import { envName, isSecret, SETTING_NAMES, type SettingName } from "../config/schema.ts";
import type { Config } from "../config/types.ts";
import { tcpProbe } from "../proxy/reachability.ts";
import { certInfo } from "../tls/selfsigned.ts";
import { flagString, settingFlags } from "./args.ts";

/** Every line goes out without URL credentials (a base URL may carry a user and password). */
const out = (s: string) => process.stdout.write(`${withoutCredentials(s)}\n`);

function shown(name: SettingName, value: unknown): string {
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
  for (const [name, p] of Object.entries(config.providers)) {
    out(
      `  provider ${name}: ${p.preset ?? "custom"} ${p.base_url ?? ""} key ${keysShown(p.apiKeys)}` +
        `${p.max_tokens !== undefined ? ` max_tokens ${p.max_tokens}` : ""}` +
        `${p.think_tags !== undefined ? ` think_tags ${p.think_tags}` : ""}`,
    );
  }
  config.routes.forEach(
    (r) =>
      void out(
        `  route ${r.match} -> ${r.provider}${r.model ? ` as ${r.model}` : ""}` +
          `${r.max_tokens !== undefined ? ` max_tokens ${r.max_tokens}` : ""}` +
          `${r.fallback?.length ? ` fallback ${r.fallback.join(", ")}` : ""}`,
      ),
  );
  const failures = tlsProblems(config);
  if (!offline) {
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
