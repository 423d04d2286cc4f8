// TOML-only tables: [providers.NAME], [[routes]], [pricing."model"] and [[keys]] (keys.ts). Validated here so a
// bad table stops start-up with the same all-at-once report as a bad flat setting.
import * as v from "valibot";
import { presets } from "../translate/presets.ts";
import { keySchema } from "./keys.ts";

/** Provider presets by name (base URL, format and quirks live in translate/presets.ts). */
export const PRESET_NAMES = Object.keys(presets) as [string, ...string[]];
export type PresetName = keyof typeof presets;

const nonEmpty = v.pipe(v.string(), v.trim(), v.minLength(1, "must not be empty"));
/** A fallback entry: a provider name, optionally ":" and a model (which may hold colons itself). */
const FALLBACK = /^[A-Za-z0-9_-]+(:.+)?$/;
const envVar = v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a variable name"));

export const providerSchema = v.strictObject({
  preset: v.optional(v.picklist(PRESET_NAMES, `must be one of: ${PRESET_NAMES.join(", ")}`)),
  format: v.optional(v.picklist(["openai", "anthropic"] as const, "must be openai or anthropic")),
  base_url: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.url("must be a URL"),
      v.transform((s) => s.replace(/\/+$/, "")),
    ),
  ),
  /** One variable name, or several for a key pool (`["KEY_A", "KEY_B"]`). */
  api_key_env: v.optional(v.union([envVar, v.pipe(v.array(envVar), v.minLength(1, "must name a variable"))])),
  drop_params: v.optional(v.array(nonEmpty)),
  strict: v.optional(v.boolean()),
  max_tokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  /** Inline `<think>` reasoning: "auto" (a leading section), "open" (the answer starts inside one), "off". */
  think_tags: v.optional(v.picklist(["auto", "open", "off"] as const, "must be auto, open or off")),
});
export type ProviderInput = v.InferOutput<typeof providerSchema>;

export const routeSchema = v.strictObject({
  /**
   * Which client requests the route takes: "anthropic" (Messages, the default) or "openai" (Chat
   * Completions, whose targets must speak the OpenAI format: it is relayed, not translated).
   */
  api: v.optional(v.picklist(["anthropic", "openai"] as const, "must be anthropic or openai")),
  match: nonEmpty,
  provider: nonEmpty,
  model: v.optional(nonEmpty),
  /** Largest max_tokens sent for this route's model (lower than the provider's cap, for a small model). */
  max_tokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  /** Tried in order when the target before failed before any byte reached the client: "provider" or "provider:model". */
  fallback: v.optional(
    v.array(v.pipe(nonEmpty, v.regex(FALLBACK, 'must be "provider" or "provider:model"'))),
  ),
});
export type RouteInput = v.InferOutput<typeof routeSchema>;

const perMillion = v.pipe(v.number(), v.minValue(0));
export const priceSchema = v.strictObject({
  input: v.optional(perMillion),
  output: v.optional(perMillion),
  cache_write: v.optional(perMillion),
  /** Anthropic's 1-hour cache writes; defaults to cache_write. */
  cache_write_1h: v.optional(perMillion),
  cache_read: v.optional(perMillion),
});
export type PriceInput = v.InferOutput<typeof priceSchema>;

export const tablesSchema = v.object({
  providers: v.optional(v.record(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/)), providerSchema), {}),
  routes: v.optional(v.array(routeSchema), []),
  pricing: v.optional(v.record(v.string(), priceSchema), {}),
  keys: v.optional(v.array(keySchema), []),
});
export type Tables = v.InferOutput<typeof tablesSchema>;

type Format = "openai" | "anthropic";

/** Providers a route may name without a table (the configured upstreams), with their format. */
const IMPLICIT_PROVIDERS: Record<string, Format> = { anthropic: "anthropic", openai: "openai" };

/** The wire format a provider table speaks: its own, else its preset's, else OpenAI's. */
export function providerFormat(p: Pick<ProviderInput, "format" | "preset">): Format {
  return p.format ?? (p.preset ? presets[p.preset]?.format : undefined) ?? "openai";
}

/** The client requests a route takes: Anthropic Messages, or Chat Completions (`api = "openai"`). */
export type RouteApi = "anthropic" | "openai";

/** The client API a route takes: Anthropic Messages unless it says `api = "openai"`. */
export const routeApi = (r: Pick<RouteInput, "api">): RouteApi => r.api ?? "anthropic";

/** The wire format a provider name speaks, or undefined for an unknown name. */
function formatOf(t: Tables, name: string): Format | undefined {
  const p = t.providers[name];
  return p ? providerFormat(p) : IMPLICIT_PROVIDERS[name];
}

/**
 * Cross-checks valibot cannot express: every route and fallback names a declared provider, and
 * an OpenAI route's targets all speak the OpenAI format (Chat Completions is relayed as it is).
 */
export function tableProblems(t: Tables): string[] {
  const problems: string[] = [];
  const check = (api: string, name: string, where: string) => {
    const format = formatOf(t, name);
    if (format === undefined) problems.push(`${where}: no [providers.${name}] table`);
    else if (api === "openai" && format !== "openai")
      problems.push(
        `${where}: ${name} speaks the ${format} format; an api = "openai" route relays Chat Completions untranslated, so its targets must speak the openai format`,
      );
  };
  t.routes.forEach((r, i) => {
    const api = routeApi(r);
    check(api, r.provider, `routes[${i}].provider`);
    r.fallback?.forEach((entry, j) => {
      check(api, fallbackProvider(entry), `routes[${i}].fallback[${j}]`);
    });
  });
  for (const [name, p] of Object.entries(t.providers)) {
    if (!p.preset && !p.base_url) problems.push(`providers.${name}: needs a preset or a base_url`);
  }
  return problems;
}

/** The provider part of a fallback entry ("openrouter:anthropic/claude-sonnet-4.5" -> "openrouter"). */
export function fallbackProvider(entry: string): string {
  const colon = entry.indexOf(":");
  return colon === -1 ? entry : entry.slice(0, colon);
}

/** The model part of a fallback entry, if it names one. */
export function fallbackModel(entry: string): string | undefined {
  const colon = entry.indexOf(":");
  return colon === -1 ? undefined : entry.slice(colon + 1);
}
