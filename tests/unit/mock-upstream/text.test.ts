import { describe, expect, test } from "bun:test";
import { promptTokens } from "../../../src/mock-upstream/plan.ts";
import {
  chunkWords,
  measurePrompt,
  replySentence,
  splitEven,
  tokensOf,
} from "../../../src/mock-upstream/text.ts";
import type { Conversation } from "../../../src/mock-upstream/types.ts";

const conv = (over: Partial<Conversation> = {}): Conversation => ({
  lastUserText: "",
  tools: [],
  toolChoice: { kind: "auto" },
  thinking: false,
  ...over,
});

describe("reply text", () => {
  test("quotes the first eight words of the last user text", () => {
    const text = replySentence(conv({ lastUserText: "one two  three\nfour five six seven eight nine ten" }));
    expect(text).toBe("Mock reply to: one two three four five six seven eight");
  });

  test("quotes a tool result when the last message carries one", () => {
    expect(replySentence(conv({ lastUserText: "weather?", toolResult: "sunny,\n 21C" }))).toBe(
      'Mock reply to tool result: "sunny, 21C"',
    );
  });

  test("pads with filler words to exactly the requested number of chunks, and the chunks join back", () => {
    const { text, chunks } = chunkWords("Mock reply to: hi", 10);
    expect(chunks).toHaveLength(10);
    expect(chunks.join("")).toBe(text);
    expect(text.startsWith("Mock reply to: hi lorem")).toBe(true);
  });

  test("groups words when there are more words than chunks", () => {
    const { text, chunks } = chunkWords("a b c d e f g", 3);
    expect(chunks).toEqual(["a b", " c d", " e f g"]);
    expect(chunks.join("")).toBe(text);
  });

  test("splits a JSON string evenly without losing characters", () => {
    const parts = splitEven('{"city":"mock"}', 4);
    expect(parts).toHaveLength(4);
    expect(parts.join("")).toBe('{"city":"mock"}');
    expect(splitEven("ab", 5)).toEqual(["a", "b"]);
  });
});

describe("token arithmetic", () => {
  test("counts one token per four characters, at least one", () => {
    expect(tokensOf("")).toBe(1);
    expect(tokensOf("abcd")).toBe(1);
    expect(tokensOf("abcde")).toBe(2);
  });

  test("measures the cacheable prefix up to the last cache_control mark", () => {
    const size = measurePrompt([
      [{ type: "text", text: "x".repeat(400), cache_control: { type: "ephemeral" } }],
      [{ role: "user", content: "y".repeat(100) }],
    ]);
    expect(size.marked).toBe(true);
    expect(size.cachedChars).toBe(404 + 9);
    expect(size.chars).toBe(size.cachedChars + 4 + 100);
  });

  test("Anthropic reads the marked prefix; OpenAI and Gemini cache 128-token steps over 1024 tokens", () => {
    const marked = { chars: 800, cachedChars: 400, marked: true };
    expect(promptTokens(marked, "auto", "marked")).toEqual({ total: 200, cacheRead: 100, cacheWrite: 0 });
    expect(promptTokens(marked, "write", "marked")).toEqual({ total: 200, cacheRead: 0, cacheWrite: 100 });
    expect(promptTokens({ chars: 800, cachedChars: 0, marked: false }, "auto", "marked").cacheRead).toBe(0);
    expect(promptTokens({ chars: 4000, cachedChars: 0, marked: false }, "auto", "automatic").cacheRead).toBe(
      0,
    );
    expect(promptTokens({ chars: 6000, cachedChars: 0, marked: false }, "auto", "automatic").cacheRead).toBe(
      1408,
    );
    expect(promptTokens({ chars: 400, cachedChars: 0, marked: false }, "read", "automatic").cacheRead).toBe(
      50,
    );
    expect(promptTokens(marked, "none", "marked").cacheRead).toBe(0);
  });
});
