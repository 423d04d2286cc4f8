// Model prices and request cost. Owns model-id matching against the built-in table
// (price-table.ts) and the cost arithmetic; promises that lookups ignore case, provider prefixes
// and date suffixes, pick the most specific entry, and answer `undefined` (never a guess from
// another family) for a model it does not know; that 1-hour cache writes and long-context bands
// are priced at their own rates.

import { type Row, TABLE, type TableEntry } from "./price-table.ts";
import type { Usage } from "./usage.ts";

/** USD per million tokens, for one price band. */
export interface Rates {
  /** Uncached input. */
  input: number;
  /** Output, reasoning included. */
  output: number;
  /** Input written to a prompt cache (Anthropic's 5-minute TTL; the only write rate elsewhere). */
  cacheWrite: number;
  /** Input written to a prompt cache with Anthropic's 1-hour TTL. */
  cacheWrite1h: number;
  /** Input read from a prompt cache. */
  cacheRead: number;
}

export interface Price extends Rates {
  /** Rates for every token of a request whose prompt is over `aboveTokens` (long context). */
  longContext?: Rates & { aboveTokens: number };
}

export interface Pricing {
  /** The price for a model id as a client or provider spells it, or undefined when unknown. */
  lookup(model: string): Price | undefined;
  /** Cost of one request in USD, or undefined when the model is unknown. */
  costFor(model: string | undefined, usage: Usage): number | undefined;
}

/** The built-in table as Price objects, keyed by canonical model id. */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = Object.freeze(
  Object.fromEntries(Object.entries(TABLE).map(([k, e]) => [k, toPrice(e)])),
);

function rates(r: Row): Rates {
  return { input: r[0], output: r[1], cacheWrite: r[2], cacheWrite1h: r[3], cacheRead: r[4] };
}

function toPrice(e: TableEntry): Price {
  if (!("base" in e)) return Object.freeze(rates(e));
  return Object.freeze({
    ...rates(e.base),
    longContext: Object.freeze({ ...rates(e.long), aboveTokens: e.above }),
  });
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
 * globs like `my-org/*`). A partial override of a known model changes only the given fields and
 * drops the built-in long-context band (the operator's price is then the price, whatever the
 * prompt size); a new model's missing cache prices default to its input price (no assumed
 * discount), its 1-hour write to its cache write price.
 */
export function createPricing(overrides: Record<string, Partial<Rates>> = {}): Pricing {
  const prices = new Map<string, Price>(Object.entries(DEFAULT_PRICES));
  for (const [rawKey, partial] of Object.entries(overrides)) {
    const key = rawKey.includes("*") ? rawKey.trim().toLowerCase() : normalizeModel(rawKey);
    const base = prices.get(key);
    const input = partial.input ?? base?.input ?? 0;
    const cacheWrite = partial.cacheWrite ?? base?.cacheWrite ?? input;
    prices.set(
      key,
      Object.freeze({
        input,
        output: partial.output ?? base?.output ?? 0,
        cacheWrite,
        cacheWrite1h: partial.cacheWrite1h ?? base?.cacheWrite1h ?? cacheWrite,
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

/** The rates that apply to this request: the long-context band once the prompt passes it. */
export function ratesFor(price: Price, usage: Usage): Rates {
  const long = price.longContext;
  const prompt = usage.inputTokens + usage.cacheWriteTokens + usage.cacheReadTokens;
  return long !== undefined && prompt > long.aboveTokens ? long : price;
}

/** USD per kind of token for one request's usage; 1-hour writes are the part of the writes they are. */
export function costParts(price: Price, usage: Usage) {
  const r = ratesFor(price, usage);
  const oneHour = Math.min(usage.cacheWrite1hTokens ?? 0, usage.cacheWriteTokens);
  const per = (tokens: number, rate: number) => (tokens * rate) / 1_000_000;
  return {
    input: per(usage.inputTokens, r.input),
    output: per(usage.outputTokens, r.output),
    cacheWrite5m: per(usage.cacheWriteTokens - oneHour, r.cacheWrite),
    cacheWrite1h: per(oneHour, r.cacheWrite1h),
    cacheRead: per(usage.cacheReadTokens, r.cacheRead),
  };
}

/** USD for one request's usage at a price. Reasoning is inside output, so it is not added again. */
export function costOf(price: Price, usage: Usage): number {
  const p = costParts(price, usage);
  return p.input + p.output + p.cacheWrite5m + p.cacheWrite1h + p.cacheRead;
}
