// The validated, typed configuration the rest of sluice receives (never the raw env).

import { type LedgerTarget, parseDatabaseUrl } from "../ledger/url.ts";
import { type KeyPolicy, toKeyPolicies } from "./keys.ts";
import { type OtelConfig, parseKeyValueList, tracesUrl } from "./otel.ts";
import type { FlatSettings } from "./schema.ts";
import type { PriceInput, ProviderInput, RouteInput, Tables } from "./tables.ts";

export type UpstreamName = "anthropic" | "openai" | "gemini";

export interface UpstreamConfig {
  /** Upstream or provider name (metrics label, reachability key). */
  name: string;
  /** API it speaks, which decides how an override key is sent. */
  api: UpstreamName;
  baseUrl: string;
  /** sluice's own keys (a pool, comma-separated in the setting); when set they replace the client's. */
  apiKeys: string[];
}

export interface Config {
  host: string;
  port: number;
  tls: boolean;
  tlsCert: string;
  tlsKey: string;
  dashboardHost: string;
  dashboardPort: number;
  /** Host names the admin listener answers to besides loopback, its own address and IPs. */
  dashboardAllowedHosts: string[];
  adminKey: string;
  maxBodyBytes: number;
  apiKeys: { name: string; key: string }[];
  upstreams: Record<UpstreamName, UpstreamConfig>;
  /** anthropic-version added on the way to Anthropic when the client sent none. */
  anthropicVersion: string;
  clientTimeoutSec: number;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  retryMax: number;
  /** Circuit breaking: failed calls in a row that open a target, and its cool-down. */
  breaker: { failures: number; cooldownMs: number };
  scrub: {
    mode: "off" | "redact" | "pseudonymize";
    hmacKey: string;
    restore: boolean;
    maxBodyBytes: number;
    oversize: "reject" | "pass";
    maxMatches: number;
  };
  langfuse: { baseUrl: string; publicKey: string; secretKey: string; environment: string };
  telemetryMaxBodyBytes: number;
  /** OpenTelemetry span export; tracesUrl "" = off. */
  otel: OtelConfig;
  logLevel: "debug" | "info" | "warn" | "error";
  logFormat: "auto" | "json" | "pretty";
  slowRequestMs: number;
  shutdownTimeoutMs: number;
  providers: Record<string, ProviderInput & { apiKeys: string[] }>;
  routes: RouteInput[];
  pricing: Record<string, PriceInput>;
  /** The [[keys]] table: named client keys with budgets, limits and model allow-lists. */
  keys: KeyPolicy[];
  /** Where the usage ledger lives (SLUICE_DATABASE_URL). */
  ledger: LedgerTarget;
  /** SLUICE_REDIS_URL: fleet-wide rate limits; empty = per instance. */
  redisUrl: string;
  ledgerRetentionDays: number;
}

export function toConfig(s: FlatSettings, t: Tables, env: Record<string, string | undefined>): Config {
  const upstream = (name: UpstreamName, baseUrl: string, keys: string): UpstreamConfig => ({
    api: name,
    name,
    baseUrl,
    apiKeys: splitList(keys),
  });
  return {
    host: s.host,
    port: s.port,
    tls: s.tls,
    tlsCert: s.tls_cert,
    tlsKey: s.tls_key,
    dashboardHost: s.dashboard_host,
    dashboardPort: s.dashboard_port,
    dashboardAllowedHosts: s.dashboard_allowed_hosts
      .split(",")
      .map((h) => h.trim())
      .filter((h) => h !== ""),
    adminKey: s.admin_key,
    maxBodyBytes: s.max_body_bytes,
    apiKeys: splitKeys(s.api_keys),
    upstreams: {
      anthropic: upstream("anthropic", s.anthropic_base_url, s.anthropic_api_key),
      openai: upstream("openai", s.openai_base_url, s.openai_api_key),
      gemini: upstream("gemini", s.gemini_base_url, s.gemini_api_key),
    },
    anthropicVersion: s.anthropic_version,
    clientTimeoutSec: Math.ceil(s.client_timeout),
    connectTimeoutMs: s.connect_timeout * 1000,
    readTimeoutMs: s.read_timeout * 1000,
    retryMax: s.retry_max,
    breaker: { failures: s.breaker_failures, cooldownMs: s.breaker_cooldown * 1000 },
    scrub: {
      mode: s.scrub,
      hmacKey: s.scrub_hmac_key,
      restore: s.scrub_restore,
      maxBodyBytes: s.scrub_max_body_bytes,
      oversize: s.scrub_oversize,
      maxMatches: s.scrub_max_matches,
    },
    langfuse: {
      baseUrl: s.langfuse_base_url,
      publicKey: s.langfuse_public_key,
      secretKey: s.langfuse_secret_key,
      environment: s.langfuse_environment,
    },
    telemetryMaxBodyBytes: s.telemetry_max_body_bytes,
    otel: {
      tracesUrl: tracesUrl(s.otel_endpoint, s.otel_traces_endpoint),
      headers: listOrEmpty(s.otel_headers),
      serviceName: s.otel_service_name === "" ? "sluice" : s.otel_service_name,
      resourceAttributes: listOrEmpty(s.otel_resource_attributes),
      captureContent: s.otel_capture_content,
    },
    logLevel: s.log_level,
    logFormat: s.log_format,
    slowRequestMs: s.slow_request_seconds * 1000,
    shutdownTimeoutMs: s.shutdown_timeout * 1000,
    providers: Object.fromEntries(
      Object.entries(t.providers).map(([name, p]) => [
        name,
        { ...p, apiKeys: keyEnvNames(p.api_key_env).flatMap((n) => splitList(env[n] ?? "")) },
      ]),
    ),
    routes: t.routes,
    pricing: t.pricing,
    keys: toKeyPolicies(t.keys, env),
    ledger: ledgerTarget(s.database_url),
    redisUrl: s.redis_url,
    ledgerRetentionDays: s.ledger_retention_days,
  };
}

/** A comma-separated list, trimmed, without empty entries (a key pool: `k1,k2`). */
export function splitList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** api_key_env names one variable or several (a key pool); each may hold a comma-separated list. */
export function keyEnvNames(names: string | string[] | undefined): string[] {
  if (names === undefined) return [];
  return typeof names === "string" ? [names] : names;
}

/** A validated key=value list (load.ts refuses bad ones before this runs). */
const listOrEmpty = (text: string): Record<string, string> => parseKeyValueList(text).value;

function ledgerTarget(url: string): LedgerTarget {
  const t = parseDatabaseUrl(url);
  return "error" in t ? { kind: "off" } : t;
}

/** `key` or `name=key`, comma-separated; unnamed keys are called key1, key2 ... */
export function splitKeys(text: string): { name: string; key: string }[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((entry, i) => {
      const eq = entry.indexOf("=");
      return eq > 0
        ? { name: entry.slice(0, eq).trim(), key: entry.slice(eq + 1).trim() }
        : { name: `key${i + 1}`, key: entry };
    });
}
