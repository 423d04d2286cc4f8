// The only reader of configuration: merges flags > environment > TOML file > defaults,
// validates everything through schema.ts / tables.ts and reports every bad setting at once.
// Pure apart from reading the config file, which is injected for tests.
import { existsSync, readFileSync } from "node:fs";
import * as v from "valibot";
import { keyProblems, readableKeys } from "./keys.ts";
import { HEADER_NAME, parseKeyValueList } from "./otel.ts";
import {
  envName,
  type FlatSettings,
  flatSchema,
  isSecret,
  SETTING_NAMES,
  SETTINGS,
  type SettingName,
} from "./schema.ts";
import { type Tables, tableProblems, tablesSchema } from "./tables.ts";
import { type Config, splitKeys, toConfig } from "./types.ts";

export type Source = "flag" | "env" | "file" | "default";

export interface LoadInput {
  /** Setting values given on the command line, keyed by setting name. */
  flags?: Partial<Record<SettingName, string | boolean>>;
  /** Explicit --config path. */
  configPath?: string;
  env?: Record<string, string | undefined>;
  /** Candidate config files tried when neither --config nor SLUICE_CONFIG is given. */
  defaultFiles?: string[];
  readFile?: (path: string) => string | undefined;
}

export type LoadResult =
  | { ok: true; config: Config; settings: FlatSettings; sources: Record<SettingName, Source>; file?: string }
  | { ok: false; errors: string[] };

/** Plain LANGFUSE_* and standard OTEL_* names are accepted too (CONTRACT.md), below the SLUICE_ ones. */
const ENV_ALIASES: Partial<Record<SettingName, string>> = {
  langfuse_base_url: "LANGFUSE_BASE_URL",
  langfuse_public_key: "LANGFUSE_PUBLIC_KEY",
  langfuse_secret_key: "LANGFUSE_SECRET_KEY",
  otel_endpoint: "OTEL_EXPORTER_OTLP_ENDPOINT",
  otel_traces_endpoint: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  otel_headers: "OTEL_EXPORTER_OTLP_HEADERS",
  otel_service_name: "OTEL_SERVICE_NAME",
  otel_resource_attributes: "OTEL_RESOURCE_ATTRIBUTES",
};

const defaultRead = (path: string) => (existsSync(path) ? readFileSync(path, "utf8") : undefined);

export function loadConfig(input: LoadInput): LoadResult {
  const env = input.env ?? {};
  const read = input.readFile ?? defaultRead;
  const errors: string[] = [];

  const explicit = input.configPath ?? env.SLUICE_CONFIG;
  const candidates = explicit
    ? [explicit]
    : (input.defaultFiles ?? ["sluice.toml", "/etc/sluice/sluice.toml"]);
  let file: string | undefined;
  let fileData: Record<string, unknown> = {};
  for (const path of candidates) {
    let text: string | undefined;
    try {
      text = read(path);
    } catch (e) {
      errors.push(`config file ${path}: ${(e as Error).message}`);
      break;
    }
    if (text === undefined) {
      if (explicit) errors.push(`config file ${path}: not found`);
      continue;
    }
    file = path;
    try {
      fileData = Bun.TOML.parse(text) as Record<string, unknown>;
    } catch (e) {
      errors.push(`config file ${path}: invalid TOML: ${(e as Error).message}`);
    }
    break;
  }

  const raw: Record<string, unknown> = {};
  const sources = {} as Record<SettingName, Source>;
  const origin = (name: SettingName): string => {
    switch (sources[name]) {
      case "flag":
        return `--${name.replaceAll("_", "-")}`;
      case "env":
        return env[envName(name)] !== undefined ? envName(name) : (ENV_ALIASES[name] ?? envName(name));
      case "file":
        return `${name} in ${file}`;
      default:
        return `${name} (default)`;
    }
  };
  for (const name of SETTING_NAMES) {
    const flag = input.flags?.[name];
    const fromEnv = env[envName(name)] ?? (ENV_ALIASES[name] ? env[ENV_ALIASES[name]] : undefined);
    if (flag !== undefined) [raw[name], sources[name]] = [flag, "flag"];
    else if (fromEnv !== undefined) [raw[name], sources[name]] = [fromEnv, "env"];
    else if (fileData[name] !== undefined) [raw[name], sources[name]] = [fileData[name], "file"];
    else [raw[name], sources[name]] = [SETTINGS[name].default, "default"];
  }

  const known = new Set<string>([...SETTING_NAMES, "providers", "routes", "pricing", "keys"]);
  for (const key of Object.keys(fileData)) {
    if (!known.has(key)) errors.push(`${key} in ${file}: unknown setting`);
  }

  const flat = v.safeParse(flatSchema, raw);
  if (!flat.success) {
    for (const issue of flat.issues) {
      const name = issue.path?.[0]?.key as SettingName | undefined;
      const where = name ? origin(name) : "settings";
      const got = name ? ` (got ${JSON.stringify(isSecret(name) ? "<secret>" : raw[name])})` : "";
      errors.push(`${where}: ${issue.message}${got}`);
    }
  }

  const tables = v.safeParse(tablesSchema, {
    providers: fileData.providers,
    routes: fileData.routes,
    pricing: fileData.pricing,
    keys: fileData.keys,
  });
  const apiKeyNames = flat.success ? splitKeys(flat.output.api_keys).map((k) => k.name) : [];
  if (!tables.success) {
    for (const issue of tables.issues)
      errors.push(`${v.getDotPath(issue) ?? "tables"} in ${file}: ${issue.message}`);
    // Name and key clashes too, as far as the entries can be read.
    for (const p of keyProblems(readableKeys(fileData.keys), env, apiKeyNames)) {
      if (!p.includes("give exactly one")) errors.push(`${p} in ${file}`);
    }
  } else {
    for (const p of tableProblems(tables.output)) errors.push(`${p} in ${file}`);
    for (const p of keyProblems(tables.output.keys, env, apiKeyNames)) errors.push(`${p} in ${file}`);
  }

  if (flat.success) errors.push(...crossChecks(flat.output));
  if (errors.length > 0 || !flat.success || !tables.success) return { ok: false, errors: dedupe(errors) };
  const config = toConfig(flat.output, tables.output as Tables, env);
  return { ok: true, config, settings: flat.output, sources, ...(file ? { file } : {}) };
}

function crossChecks(s: FlatSettings): string[] {
  const problems: string[] = [];
  if ((s.langfuse_public_key === "") !== (s.langfuse_secret_key === "")) {
    problems.push("langfuse: set both SLUICE_LANGFUSE_PUBLIC_KEY and SLUICE_LANGFUSE_SECRET_KEY, or neither");
  }
  problems.push(...otelProblems(s));
  for (const entry of splitKeys(s.api_keys)) {
    if (entry.key === "") problems.push(`SLUICE_API_KEYS: entry "${entry.name}" has an empty key`);
  }
  return problems;
}

function otelProblems(s: FlatSettings): string[] {
  const problems: string[] = [];
  const headers = parseKeyValueList(s.otel_headers);
  for (const p of headers.problems) problems.push(`SLUICE_OTEL_HEADERS: ${p}`);
  for (const name of Object.keys(headers.value))
    if (!HEADER_NAME.test(name)) problems.push(`SLUICE_OTEL_HEADERS: "${name}" is not a header name`);
  for (const p of parseKeyValueList(s.otel_resource_attributes).problems)
    problems.push(`SLUICE_OTEL_RESOURCE_ATTRIBUTES: ${p}`);
  return problems;
}

const dedupe = (xs: string[]) => [...new Set(xs)];
