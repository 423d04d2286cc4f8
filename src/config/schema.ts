// The one description of every sluice setting: its environment name, default, meaning and
// validation. load.ts feeds raw values from flags, environment and TOML file through this
// schema; nothing else in sluice reads configuration from the outside world.
import * as v from "valibot";
import { parseDatabaseUrl, redisUrlProblem } from "../ledger/url.ts";

const INT = /^[+-]?\d+$/;
const NUM = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** Integers may come as numbers (TOML) or strings (env, flags). */
const int = (min: number, max: number) =>
  v.pipe(
    v.union([
      v.number(),
      v.pipe(v.string(), v.trim(), v.regex(INT, "must be a whole number"), v.transform(Number)),
    ]),
    v.integer("must be a whole number"),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );

/** Seconds, fractions allowed (tests use sub-second timeouts). */
const seconds = (min: number, max: number) =>
  v.pipe(
    v.union([
      v.number(),
      v.pipe(v.string(), v.trim(), v.regex(NUM, "must be a number of seconds"), v.transform(Number)),
    ]),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );

const ON = new Set(["on", "true", "1", "yes"]);
const OFF = new Set(["off", "false", "0", "no"]);
const onOff = v.pipe(
  v.union([
    v.boolean(),
    v.pipe(
      v.string(),
      v.trim(),
      v.toLowerCase(),
      v.check((s) => ON.has(s) || OFF.has(s), "must be on or off"),
      v.transform((s) => ON.has(s)),
    ),
  ]),
);

const str = v.pipe(v.string(), v.trim());

const httpUrl = v.pipe(
  v.string(),
  v.trim(),
  v.url("must be a URL like https://host[:port][/prefix]"),
  v.check((s) => /^https?:\/\//i.test(s), "must start with http:// or https://"),
  v.transform((s) => s.replace(/\/+$/, "")),
);

/** An http(s) URL, or empty for "off". */
const optionalHttpUrl = v.pipe(
  v.string(),
  v.trim(),
  v.check(
    (s) => s === "" || (URL.canParse(s) && /^https?:\/\//i.test(s)),
    "must be a URL like http://host:4318 (empty = off)",
  ),
  v.transform((s) => s.replace(/\/+$/, "")),
);

const hexKey = v.pipe(
  v.string(),
  v.trim(),
  v.check((s) => s === "" || /^[0-9a-fA-F]{64}$/.test(s), "must be 64 hex characters (32 bytes)"),
);

const enumOf = <T extends string>(values: readonly T[]) =>
  v.pipe(v.string(), v.trim(), v.toLowerCase(), v.picklist(values, `must be one of: ${values.join(", ")}`));

const databaseUrl = v.pipe(
  v.string(),
  v.trim(),
  v.check(
    (s) => !("error" in parseDatabaseUrl(s)),
    "must be off, sqlite://PATH or postgres://user:password@host:port/database",
  ),
);
const redisUrl = v.pipe(
  v.string(),
  v.trim(),
  v.check((s) => redisUrlProblem(s) === undefined, "must be empty or redis://[user:password@]host:port"),
);

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export const SCRUB_MODES = ["off", "redact", "pseudonymize"] as const;

/**
 * Flat settings, keyed by their TOML name; the environment name is SLUICE_ + upper case.
 * `secret` settings are redacted wherever configuration is printed.
 */
export const SETTINGS = {
  host: { schema: str, default: "0.0.0.0", doc: "main listener address" },
  port: { schema: int(0, 65535), default: 8443, doc: "main listener port (HTTPS unless tls=off)" },
  tls: { schema: onOff, default: true, doc: "off serves plain HTTP (behind a TLS terminator)" },
  tls_cert: {
    schema: str,
    default: "certs/server.crt",
    doc: "PEM certificate; generated on first start if the default is missing",
  },
  tls_key: { schema: str, default: "certs/server.key", doc: "PEM private key" },
  dashboard_host: { schema: str, default: "127.0.0.1", doc: "plain-HTTP admin listener address" },
  dashboard_allowed_hosts: {
    schema: str,
    default: "",
    doc: "more Host names the admin listener answers to, comma-separated (* = any); others get 421",
  },
  dashboard_port: { schema: int(0, 65535), default: 9090, doc: "admin listener port; 0 turns it off" },
  admin_key: {
    schema: str,
    default: "",
    doc: "serves admin routes on the main port behind this key",
    secret: true,
  },
  max_body_bytes: { schema: int(1, 2 ** 31), default: 33554432, doc: "larger request bodies get 413" },
  api_keys: {
    schema: str,
    default: "",
    doc: "internal client keys: key or name=key, comma-separated",
    secret: true,
  },
  anthropic_base_url: { schema: httpUrl, default: "https://api.anthropic.com", doc: "Anthropic upstream" },
  anthropic_api_key: { schema: str, default: "", doc: "replaces the client's Anthropic key", secret: true },
  anthropic_version: {
    schema: v.pipe(v.string(), v.trim(), v.regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2023-06-01")),
    default: "2023-06-01",
    doc: "anthropic-version sent to Anthropic when a client sends none",
  },
  openai_base_url: { schema: httpUrl, default: "https://api.openai.com", doc: "OpenAI upstream" },
  openai_api_key: { schema: str, default: "", doc: "replaces the client's OpenAI key", secret: true },
  gemini_base_url: {
    schema: httpUrl,
    default: "https://generativelanguage.googleapis.com",
    doc: "Gemini upstream",
  },
  gemini_api_key: { schema: str, default: "", doc: "replaces the client's Gemini key", secret: true },
  client_timeout: {
    schema: seconds(1, 255),
    default: 30,
    doc: "seconds a client may stay silent while sending its request (slowloris guard)",
  },
  connect_timeout: {
    schema: seconds(0.01, 600),
    default: 10,
    doc: "seconds to establish an upstream connection",
  },
  read_timeout: {
    schema: seconds(0.01, 86400),
    default: 300,
    doc: "seconds of upstream silence before giving up",
  },
  retry_max: {
    schema: int(0, 10),
    default: 3,
    doc: "retries of connect failures and 529/503 before the first byte",
  },
  breaker_failures: {
    schema: int(0, 1000),
    default: 5,
    doc: "failed calls in a row that open a target's circuit breaker; 0 turns breaking off",
  },
  breaker_cooldown: {
    schema: seconds(0.01, 86400),
    default: 30,
    doc: "seconds an open breaker skips its target before one probe call",
  },
  scrub: {
    schema: enumOf(SCRUB_MODES),
    default: "off",
    doc: "secret scrubbing: off, redact or pseudonymize",
  },
  scrub_hmac_key: {
    schema: hexKey,
    default: "",
    doc: "64 hex chars; stable pseudonyms across restarts",
    secret: true,
  },
  scrub_restore: { schema: onOff, default: true, doc: "put real values back into responses" },
  scrub_max_body_bytes: {
    schema: int(1, 2 ** 31),
    default: 10485760,
    doc: "larger bodies get 413 while scrubbing",
  },
  scrub_max_matches: {
    schema: int(1, 10_000_000),
    default: 50000,
    doc: "most secrets replaced in one request while scrubbing; more get 413",
  },
  scrub_oversize: {
    schema: enumOf(["reject", "pass"] as const),
    default: "reject",
    doc: "pass forwards oversize bodies unscrubbed",
  },
  langfuse_base_url: { schema: httpUrl, default: "https://cloud.langfuse.com", doc: "Langfuse host" },
  langfuse_public_key: { schema: str, default: "", doc: "Langfuse public key; empty = off" },
  langfuse_secret_key: { schema: str, default: "", doc: "Langfuse secret key; empty = off", secret: true },
  langfuse_environment: { schema: str, default: "", doc: "environment tag on every trace" },
  telemetry_max_body_bytes: {
    schema: int(0, 2 ** 31),
    default: 1048576,
    doc: "most bytes of a body kept for a trace",
  },
  otel_endpoint: {
    schema: optionalHttpUrl,
    default: "",
    doc: "OTLP/HTTP base URL for OpenTelemetry spans (/v1/traces is appended); empty = off",
  },
  otel_traces_endpoint: {
    schema: optionalHttpUrl,
    default: "",
    doc: "full OTLP/HTTP traces URL, used as given (wins over otel_endpoint)",
  },
  otel_headers: {
    schema: str,
    default: "",
    doc: "name=value,... sent with every span export (e.g. Authorization=Basic%20...)",
    secret: true,
  },
  otel_service_name: { schema: str, default: "sluice", doc: "service.name of the exported spans" },
  otel_resource_attributes: {
    schema: str,
    default: "",
    doc: "key=value,... added to the spans' resource (e.g. deployment.environment.name=prod)",
  },
  otel_capture_content: {
    schema: onOff,
    default: false,
    doc: "on adds the (scrubbed) prompt and answer to spans",
  },
  log_level: { schema: enumOf(LOG_LEVELS), default: "info", doc: "debug, info, warn or error" },
  log_format: {
    schema: enumOf(["auto", "json", "pretty"] as const),
    default: "auto",
    doc: "json, pretty, or auto (pretty on a terminal)",
  },
  slow_request_seconds: { schema: seconds(0, 86400), default: 5, doc: "slower requests are logged at warn" },
  shutdown_timeout: { schema: seconds(0, 3600), default: 30, doc: "seconds to drain on SIGTERM / SIGINT" },
  database_url: {
    schema: databaseUrl,
    default: "sqlite://sluice.db",
    doc: "usage ledger: sqlite://PATH, postgres://... (a fleet's shared ledger and budgets) or off",
    secret: true,
  },
  redis_url: {
    schema: redisUrl,
    default: "",
    doc: "redis://...: rate limits counted fleet-wide instead of per instance",
    secret: true,
  },
  ledger_retention_days: {
    schema: int(1, 36500),
    default: 90,
    doc: "ledger rows older than this many days are deleted",
  },
} as const;

export type SettingName = keyof typeof SETTINGS;

/** Settings whose values never appear in output (check, logs, errors). */
export const isSecret = (name: SettingName): boolean => "secret" in SETTINGS[name];
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

export const envName = (name: SettingName): string => `SLUICE_${name.toUpperCase()}`;

export const flatSchema = v.object(
  Object.fromEntries(SETTING_NAMES.map((n) => [n, SETTINGS[n].schema])) as {
    [K in SettingName]: (typeof SETTINGS)[K]["schema"];
  },
);

export type FlatSettings = v.InferOutput<typeof flatSchema>;
