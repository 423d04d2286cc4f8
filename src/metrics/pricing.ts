// Model prices and request cost. Owns the built-in price table and model-id matching; promises
// that lookups ignore case, provider prefixes and date suffixes, pick the most specific entry,
// and answer `undefined` (never a guess from another family) for a model it does not know.

import type { Usage } from "./usage.ts";

/** USD per million tokens. */
export interface Price {
  /** Uncached input. */
  input: number;
  /** Output, reasoning included. */
  output: number;
  /** Input written to a prompt cache (Anthropic 5-minute write rate). */
  cacheWrite: number;
  /** Input read from a prompt cache. */
  cacheRead: number;
}

export interface Pricing {
  /** The price for a model id as a client or provider spells it, or undefined when unknown. */
  lookup(model: string): Price | undefined;
  /** Cost of one request in USD, or undefined when the model is unknown. */
  costFor(model: string | undefined, usage: Usage): number | undefined;
}

type Row = readonly [input: number, output: number, cacheWrite: number, cacheRead: number];

// Looked up on 2026-11-21 in stored copies of the providers' pricing pages (platform.claude.com,
// developers.openai.com, ai.google.dev, api-docs.deepseek.com, platform.moonshot.ai, Alibaba Model
// Studio) and hosts' list prices (Groq for Llama). Standard tier, shortest-context price band;
// long-context surcharges, batch and priority tiers are not modelled. Providers that do not charge
// for cache writes list their input price there. Override any of it in the config file.
const TABLE: Readonly<Record<string, Row>> = {
  // Anthropic: cache writes are 1.25x input (5-minute TTL), reads 0.1x.
  "claude-opus-5": [5, 25, 6.25, 0.5],
  "claude-opus-4-8": [5, 25, 6.25, 0.5],
  "claude-opus-4-7": [5, 25, 6.25, 0.5],
  "claude-opus-4-6": [5, 25, 6.25, 0.5],
  "claude-opus-4-5": [5, 25, 6.25, 0.5],
  "claude-opus-4-1": [15, 75, 18.75, 1.5],
  "claude-opus-4": [15, 75, 18.75, 1.5],
  "claude-sonnet-5-5": [2, 10, 2.5, 0.1],
  "claude-sonnet-5": [2, 10, 2.5, 0.2],
  "claude-sonnet-4-6": [3, 15, 3.75, 0.3],
  "claude-sonnet-4-5": [3, 15, 3.75, 0.3],
  "claude-sonnet-4": [3, 15, 3.75, 0.3],
  "claude-haiku-5-5": [0.1, 0.5, 0.125, 0.01], // prompts up to 100k tokens
  "claude-haiku-4-5": [1, 5, 1.25, 0.1],
  "claude-3-7-sonnet": [3, 15, 3.75, 0.3],
  "claude-3-5-sonnet": [3, 15, 3.75, 0.3],
  "claude-3-5-haiku": [0.8, 4, 1, 0.08],
  "claude-3-opus": [15, 75, 18.75, 1.5],
  "claude-3-haiku": [0.25, 1.25, 0.3, 0.03],
  // OpenAI: cached input is automatic; writes cost nothing extra.
  "gpt-5.5-pro": [30, 180, 30, 30],
  "gpt-5.5": [5, 30, 5, 0.5],
  "gpt-5.4-pro": [30, 180, 30, 30],
  "gpt-5.4-mini": [0.75, 4.5, 0.75, 0.075],
  "gpt-5.4-nano": [0.2, 1.25, 0.2, 0.02],
  "gpt-5.4": [2.5, 15, 2.5, 0.25],
  "gpt-5.2": [1.75, 14, 1.75, 0.175],
  "gpt-5.1-codex-mini": [0.25, 2, 0.25, 0.025],
  "gpt-5.1": [1.25, 10, 1.25, 0.125],
  "gpt-5-pro": [15, 120, 15, 15],
  "gpt-5-mini": [0.25, 2, 0.25, 0.025],
  "gpt-5-nano": [0.05, 0.4, 0.05, 0.005],
  "gpt-5": [1.25, 10, 1.25, 0.125],
  "gpt-4.1-mini": [0.4, 1.6, 0.4, 0.1],
  "gpt-4.1-nano": [0.1, 0.4, 0.1, 0.025],
  "gpt-4.1": [2, 8, 2, 0.5],
  "gpt-4o-mini": [0.15, 0.6, 0.15, 0.075],
  "gpt-4o": [2.5, 10, 2.5, 1.25],
  "o4-mini": [1.1, 4.4, 1.1, 0.275],
  "o3-pro": [20, 80, 20, 20],
  "o3-mini": [1.1, 4.4, 1.1, 0.55],
  o3: [2, 8, 2, 0.5],
  "o1-pro": [150, 600, 150, 150],
  "o1-mini": [1.1, 4.4, 1.1, 0.55],
  o1: [15, 60, 15, 7.5],
  // Gemini: prompts up to 200k tokens; context-cache storage per hour is not modelled.
  "gemini-3.1-pro": [2, 12, 2, 0.2],
  "gemini-3.1-flash-lite": [0.25, 1.5, 0.25, 0.025],
  "gemini-3-pro": [2, 12, 2, 0.2],
  "gemini-3-flash": [0.5, 3, 0.5, 0.05],
  "gemini-2.5-pro": [1.25, 10, 1.25, 0.125],
  "gemini-2.5-flash-lite": [0.1, 0.4, 0.1, 0.01],
  "gemini-2.5-flash": [0.3, 2.5, 0.3, 0.03],
  "gemini-2.0-flash-lite": [0.075, 0.3, 0.075, 0.075],
  "gemini-2.0-flash": [0.1, 0.4, 0.1, 0.025],
  // Open models at their makers' (or the best-known host's) list price.
  "deepseek-chat": [0.28, 0.42, 0.28, 0.028],
  "deepseek-reasoner": [0.28, 0.42, 0.28, 0.028],
  "kimi-k2.6": [0.95, 4, 0.95, 0.16],
  "kimi-k2.5": [0.6, 3, 0.6, 0.1],
  "kimi-k2": [0.6, 2.5, 0.6, 0.15],
  "qwen3-max": [1.2, 6, 1.2, 0.24],
  "qwen3-coder-plus": [1, 5, 1, 0.2],
  "qwen-plus": [0.4, 1.2, 0.4, 0.08],
  "llama-4-maverick": [0.2, 0.6, 0.2, 0.2],
  "llama-4-scout": [0.11, 0.34, 0.11, 0.11],
  "llama-3.3-70b": [0.59, 0.79, 0.59, 0.59],
  "llama-3.1-8b": [0.05, 0.08, 0.05, 0.05],
};

/** The built-in table as Price objects, keyed by canonical model id. */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = Object.freeze(
  Object.fromEntries(Object.entries(TABLE).map(([k, r]) => [k, toPrice(r)])),
);

function toPrice(r: Row): Price {
  return Object.freeze({ input: r[0], output: r[1], cacheWrite: r[2], cacheRead: r[3] });
}

// `-20250929`, `-2025-04-14` (OpenAI snapshots), `@20250929` (Vertex).
const DATE_SUFFIX = /[-@](?:\d{8}|\d{4}-\d{2}-\d{2})$/;

/**
 * Canonical form of a model id: lower case, without a provider prefix (`models/`, `anthropic/`),
 * a bracketed variant (`[1m]`), a `-v1:0` Bedrock version or a date suffix; Claude ids spelled
 * with dots (`claude-sonnet-4.5`) get dashes.
 */
export function normalizeModel(model: string): string {
  let id = model.trim().toLowerCase();
  const slash = id.lastIndexOf("/");
  if (slash !== -1) id = id.slice(slash + 1);
  const bracket = id.indexOf("[");
  if (bracket > 0) id = id.slice(0, bracket);
  id = id.replace(/^(?:[a-z]{2}\.)?anthropic\./, "").replace(/-v\d+:\d+$/, "");
  id = id.replace(DATE_SUFFIX, "");
  if (id.startsWith("claude")) id = id.replaceAll(".", "-");
  return id;
}

interface Entry {
  key: string;
  /** Characters that must match literally; the most specific entry wins. */
  weight: number;
  /** `id` is the normalized model id, `raw` the lower-cased original (globs may name prefixes). */
  matches: (id: string, raw: string) => boolean;
  price: Price;
}

// A prefix matches only up to one of these, so `gpt-5` covers `gpt-5-codex` but not `gpt-5.3`.
const BOUNDARY = new Set(["-", ":", "@", "_"]);

function compile(key: string, price: Price): Entry {
  if (key.includes("*")) {
    // Glob: `*` matches any run; compiled to a linear scan, no backtracking regex.
    const parts = key.split("*");
    const weight = parts.reduce((n, p) => n + p.length, 0);
    return { key, weight, price, matches: (id, raw) => globMatch(parts, id) || globMatch(parts, raw) };
  }
  return {
    key,
    weight: key.length,
    price,
    matches: (id) => id === key || (id.startsWith(key) && BOUNDARY.has(id[key.length] ?? "")),
  };
}

function globMatch(parts: string[], id: string): boolean {
  const first = parts[0] ?? "";
  const last = parts[parts.length - 1] ?? "";
  if (!id.startsWith(first) || id.length < first.length + last.length) return false;
  let pos = first.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const at = id.indexOf(parts[i] ?? "", pos);
    if (at === -1) return false;
    pos = at + (parts[i] ?? "").length;
  }
  return id.length - last.length >= pos && id.endsWith(last);
}

const CACHE_LIMIT = 1000;
const MAX_MODEL_CHARS = 256;

/**
 * Builds a price lookup from the built-in table plus user overrides (keys may be model ids or
 * globs like `my-org/*`). A partial override of a known model changes only the given fields; a
 * new model's missing cache prices default to its input price (no assumed discount).
 */
export function createPricing(overrides: Record<string, Partial<Price>> = {}): Pricing {
  const prices = new Map<string, Price>(Object.entries(DEFAULT_PRICES));
  for (const [rawKey, partial] of Object.entries(overrides)) {
    const key = rawKey.includes("*") ? rawKey.trim().toLowerCase() : normalizeModel(rawKey);
    const base = prices.get(key);
    const input = partial.input ?? base?.input ?? 0;
    prices.set(
      key,
      Object.freeze({
        input,
        output: partial.output ?? base?.output ?? 0,
        cacheWrite: partial.cacheWrite ?? base?.cacheWrite ?? input,
        cacheRead: partial.cacheRead ?? base?.cacheRead ?? input,
      }),
    );
  }
  const entries = [...prices].map(([k, p]) => compile(k, p)).sort((a, b) => b.weight - a.weight);
  const cache = new Map<string, Price | null>();

  function lookup(model: string): Price | undefined {
    const hit = cache.get(model);
    if (hit !== undefined) return hit ?? undefined;
    if (model.length > MAX_MODEL_CHARS) return undefined;
    const raw = model.trim().toLowerCase();
    const id = normalizeModel(raw);
    const found = entries.find((e) => e.matches(id, raw))?.price ?? null;
    // Model ids come from clients: bound the memo so junk names cannot grow it.
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(model, found);
    return found ?? undefined;
  }

  return {
    lookup,
    costFor(model, usage) {
      const price = model === undefined ? undefined : lookup(model);
      return price ? costOf(price, usage) : undefined;
    },
  };
}

/** USD for one request's usage at a price. Reasoning is inside output, so it is not added again. */
export function costOf(price: Price, usage: Usage): number {
  return (
    (usage.inputTokens * price.input +
      usage.outputTokens * price.output +
      usage.cacheWriteTokens * price.cacheWrite +
      usage.cacheReadTokens * price.cacheRead) /
    1_000_000
  );
}
