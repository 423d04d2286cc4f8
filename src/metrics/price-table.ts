// The built-in price table: USD per million tokens for the models sluice knows, with where each
// number comes from and when it was checked. Data only; pricing.ts matches model ids to it.

/** input, output, 5-minute cache write, 1-hour cache write, cache read. */
export type Row = readonly [input: number, output: number, write5m: number, write1h: number, read: number];

/** A model whose every token costs more once the prompt passes a size (Anthropic's long context). */
export interface BandedRow {
  base: Row;
  /** The prompt (input + cache writes + cache reads) must exceed this many tokens. */
  above: number;
  long: Row;
}

export type TableEntry = Row | BandedRow;

// Anthropic: checked on 2026-12-04 against the stored copies of
// platform.claude.com/docs/en/about-claude/pricing (the model pricing table, "Long context
// pricing") and the model overview pages for Opus 5.5, Sonnet 5 and Haiku 5.5. 5-minute cache
// writes are 1.25x input, 1-hour writes 2x, reads 0.1x except where Anthropic lists its own rate
// (Fable 5.1 0.025x, Opus 5.5 and Sonnet 5.5 0.05x). Long context: Haiku 5.5 bills every token of
// a request whose prompt is over 100,000 tokens at 5x; Sonnet 4.5 and Sonnet 4 with the 1M
// context beta bill a prompt over 200,000 tokens at 2x input and 1.5x output (caching multipliers
// on top). Opus 4.6 and later and Sonnet 4.6 and later bill the whole 1M window at one rate.
const ANTHROPIC: Readonly<Record<string, TableEntry>> = {
  "claude-fable-5-1": [10, 50, 12.5, 20, 0.25],
  "claude-mythos-5-1": [10, 50, 12.5, 20, 0.25],
  "claude-fable-5": [10, 50, 12.5, 20, 1],
  "claude-mythos-5": [10, 50, 12.5, 20, 1],
  "claude-opus-5-5": [4, 20, 5, 8, 0.2],
  "claude-opus-5": [5, 25, 6.25, 10, 0.5],
  "claude-opus-4-8": [5, 25, 6.25, 10, 0.5],
  "claude-opus-4-7": [5, 25, 6.25, 10, 0.5],
  "claude-opus-4-6": [5, 25, 6.25, 10, 0.5],
  "claude-opus-4-5": [5, 25, 6.25, 10, 0.5],
  "claude-opus-4-1": [15, 75, 18.75, 30, 1.5],
  "claude-opus-4": [15, 75, 18.75, 30, 1.5],
  "claude-sonnet-5-5": [2, 10, 2.5, 4, 0.1],
  "claude-sonnet-5": [2, 10, 2.5, 4, 0.2],
  "claude-sonnet-4-6": [3, 15, 3.75, 6, 0.3],
  "claude-sonnet-4-5": { base: [3, 15, 3.75, 6, 0.3], above: 200_000, long: [6, 22.5, 7.5, 12, 0.6] },
  "claude-sonnet-4": { base: [3, 15, 3.75, 6, 0.3], above: 200_000, long: [6, 22.5, 7.5, 12, 0.6] },
  "claude-haiku-5-5": {
    base: [0.1, 0.5, 0.125, 0.2, 0.01],
    above: 100_000,
    long: [0.5, 2.5, 0.625, 1, 0.05],
  },
  "claude-haiku-4-5": [1, 5, 1.25, 2, 0.1],
  "claude-3-7-sonnet": [3, 15, 3.75, 6, 0.3],
  "claude-3-5-sonnet": [3, 15, 3.75, 6, 0.3],
  "claude-3-5-haiku": [0.8, 4, 1, 1.6, 0.08],
  "claude-3-opus": [15, 75, 18.75, 30, 1.5],
  "claude-3-haiku": [0.25, 1.25, 0.3, 0.5, 0.03],
};

// The others: looked up on 2026-11-21 in stored copies of the providers' pricing pages
// (developers.openai.com, ai.google.dev, api-docs.deepseek.com, platform.moonshot.ai, Alibaba
// Model Studio) and hosts' list prices (Groq for Llama). Standard tier, shortest-context price
// band; their long-context surcharges, batch and priority tiers are not modelled. Providers that
// do not charge for cache writes list their input price there (both TTL columns: they have one).
const OTHERS: Readonly<Record<string, Row>> = {
  // OpenAI: cached input is automatic; writes cost nothing extra.
  "gpt-5.5-pro": [30, 180, 30, 30, 30],
  "gpt-5.5": [5, 30, 5, 5, 0.5],
  "gpt-5.4-pro": [30, 180, 30, 30, 30],
  "gpt-5.4-mini": [0.75, 4.5, 0.75, 0.75, 0.075],
  "gpt-5.4-nano": [0.2, 1.25, 0.2, 0.2, 0.02],
  "gpt-5.4": [2.5, 15, 2.5, 2.5, 0.25],
  "gpt-5.2": [1.75, 14, 1.75, 1.75, 0.175],
  "gpt-5.1-codex-mini": [0.25, 2, 0.25, 0.25, 0.025],
  "gpt-5.1": [1.25, 10, 1.25, 1.25, 0.125],
  "gpt-5-pro": [15, 120, 15, 15, 15],
  "gpt-5-mini": [0.25, 2, 0.25, 0.25, 0.025],
  "gpt-5-nano": [0.05, 0.4, 0.05, 0.05, 0.005],
  "gpt-5": [1.25, 10, 1.25, 1.25, 0.125],
  "gpt-4.1-mini": [0.4, 1.6, 0.4, 0.4, 0.1],
  "gpt-4.1-nano": [0.1, 0.4, 0.1, 0.1, 0.025],
  "gpt-4.1": [2, 8, 2, 2, 0.5],
  "gpt-4o-mini": [0.15, 0.6, 0.15, 0.15, 0.075],
  "gpt-4o": [2.5, 10, 2.5, 2.5, 1.25],
  "o4-mini": [1.1, 4.4, 1.1, 1.1, 0.275],
  "o3-pro": [20, 80, 20, 20, 20],
  "o3-mini": [1.1, 4.4, 1.1, 1.1, 0.55],
  o3: [2, 8, 2, 2, 0.5],
  "o1-pro": [150, 600, 150, 150, 150],
  "o1-mini": [1.1, 4.4, 1.1, 1.1, 0.55],
  o1: [15, 60, 15, 15, 7.5],
  // Gemini: prompts up to 200k tokens; context-cache storage per hour is not modelled.
  "gemini-3.1-pro": [2, 12, 2, 2, 0.2],
  "gemini-3.1-flash-lite": [0.25, 1.5, 0.25, 0.25, 0.025],
  "gemini-3-pro": [2, 12, 2, 2, 0.2],
  "gemini-3-flash": [0.5, 3, 0.5, 0.5, 0.05],
  "gemini-2.5-pro": [1.25, 10, 1.25, 1.25, 0.125],
  "gemini-2.5-flash-lite": [0.1, 0.4, 0.1, 0.1, 0.01],
  "gemini-2.5-flash": [0.3, 2.5, 0.3, 0.3, 0.03],
  "gemini-2.0-flash-lite": [0.075, 0.3, 0.075, 0.075, 0.075],
  "gemini-2.0-flash": [0.1, 0.4, 0.1, 0.1, 0.025],
  // Open models at their makers' (or the best-known host's) list price.
  "deepseek-chat": [0.28, 0.42, 0.28, 0.28, 0.028],
  "deepseek-reasoner": [0.28, 0.42, 0.28, 0.28, 0.028],
  "kimi-k2.6": [0.95, 4, 0.95, 0.95, 0.16],
  "kimi-k2.5": [0.6, 3, 0.6, 0.6, 0.1],
  "kimi-k2": [0.6, 2.5, 0.6, 0.6, 0.15],
  "qwen3-max": [1.2, 6, 1.2, 1.2, 0.24],
  "qwen3-coder-plus": [1, 5, 1, 1, 0.2],
  "qwen-plus": [0.4, 1.2, 0.4, 0.4, 0.08],
  "llama-4-maverick": [0.2, 0.6, 0.2, 0.2, 0.2],
  "llama-4-scout": [0.11, 0.34, 0.11, 0.11, 0.11],
  "llama-3.3-70b": [0.59, 0.79, 0.59, 0.59, 0.59],
  "llama-3.1-8b": [0.05, 0.08, 0.05, 0.05, 0.05],
};

export const TABLE: Readonly<Record<string, TableEntry>> = { ...ANTHROPIC, ...OTHERS };
