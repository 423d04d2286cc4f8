// Owns the fake model's words: reply and thinking text derived from the prompt, their split
// into stream deltas, and the token arithmetic. Promises: pure and deterministic (same input,
// same output, no clock, no randomness) and cheap enough to run on every benchmark request.

import type { Conversation, PromptSize } from "./types.ts";

const FILLER = [
  "lorem",
  "ipsum",
  "dolor",
  "sit",
  "amet",
  "consectetur",
  "adipiscing",
  "elit",
  "sed",
  "do",
  "eiusmod",
  "tempor",
] as const;

const WHITESPACE = /\s+/;
const WHITESPACE_RUNS = /\s+/g;
const PROMPT_WORDS = 8;
const QUOTE_CHARS = 200;
const THINKING_CHUNKS = 3;
/** Stop counting prompt characters this deep; hostile nesting must not blow the stack. */
const MAX_DEPTH = 64;

/** Deterministic token estimate: one token per four characters, at least one. */
export function tokensOf(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** The first `count` whitespace-separated words of `text`, joined by single spaces. */
export function firstWords(text: string, count: number): string {
  return text.split(WHITESPACE).filter(Boolean).slice(0, count).join(" ");
}

/** The sentence the fake model answers with, before padding. */
export function replySentence(conv: Conversation): string {
  if (conv.toolResult !== undefined) {
    const flat = conv.toolResult.replace(WHITESPACE_RUNS, " ").trim().slice(0, QUOTE_CHARS);
    return `Mock reply to tool result: "${flat}"`;
  }
  const words = firstWords(conv.lastUserText, PROMPT_WORDS);
  return words ? `Mock reply to: ${words}` : "Mock reply.";
}

export function thinkingSentence(conv: Conversation): string {
  const topic = firstWords(conv.toolResult ?? conv.lastUserText, PROMPT_WORDS);
  return `Mock thinking about: ${topic || "nothing"}`;
}

/**
 * Pads `sentence` with filler words up to `count` words and groups the words into exactly
 * `count` chunks; joining the chunks gives back `text`.
 */
export function chunkWords(sentence: string, count: number): { text: string; chunks: string[] } {
  const n = Math.max(1, Math.floor(count));
  const words = sentence.split(" ");
  for (let i = 0; words.length < n; i++) words.push(FILLER[i % FILLER.length] ?? "lorem");
  const chunks: string[] = [];
  for (let i = 0; i < n; i++) {
    const from = Math.floor((i * words.length) / n);
    const to = Math.floor(((i + 1) * words.length) / n);
    const group = words.slice(from, to).join(" ");
    chunks.push(i === 0 ? group : ` ${group}`);
  }
  return { text: words.join(" "), chunks };
}

/** Splits `text` into `count` pieces of near-equal length (fewer when `text` is shorter). */
export function splitEven(text: string, count: number): string[] {
  const n = Math.max(1, Math.min(Math.floor(count), text.length));
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(text.slice(Math.floor((i * text.length) / n), Math.floor(((i + 1) * text.length) / n)));
  }
  return out;
}

export function thinkingChunks(conv: Conversation): { text: string; chunks: string[] } {
  return chunkWords(thinkingSentence(conv), THINKING_CHUNKS);
}

/**
 * Counts the characters of every string inside `parts` (in order), and remembers how far the
 * count had got at the end of the last object carrying `cache_control` — the cacheable prefix.
 */
export function measurePrompt(parts: readonly unknown[]): PromptSize {
  const size: PromptSize = { chars: 0, cachedChars: 0, marked: false };
  for (const part of parts) walk(part, size, 0);
  return size;
}

function walk(value: unknown, size: PromptSize, depth: number): void {
  if (typeof value === "string") {
    size.chars += value.length;
    return;
  }
  if (typeof value !== "object" || value === null || depth > MAX_DEPTH) return;
  if (Array.isArray(value)) {
    for (const item of value) walk(item, size, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) walk(record[key], size, depth + 1);
  if (record.cache_control !== undefined && record.cache_control !== null) {
    size.cachedChars = size.chars;
    size.marked = true;
  }
}

/** FNV-1a, 32 bits: a cheap stable hash for ids, signatures and embedding seeds. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
