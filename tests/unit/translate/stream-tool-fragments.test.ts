// Property: however a backend cuts tool arguments into fragments, and however it interleaves
// parallel calls, the streamed tool_use inputs parse to exactly the arguments sent.
import { describe, expect, test } from "bun:test";
import type { ChatChunk, ChatToolCallIn } from "../../../src/translate/openai-types.ts";
import { ChatToMessagesStream } from "../../../src/translate/streaming.ts";
import { streamProblems, toolInputs } from "./stream-checks.ts";

/** Small seeded PRNG (mulberry32) so that a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ["a", "é", "😀", '"', "\\", "\n", "{", "}", "[", ",", ":", " ", "null", "1.5e3", "\u0001"];

function randomValue(r: () => number, depth: number): unknown {
  const pick = r();
  if (depth > 2 || pick < 0.4) {
    const n = Math.floor(r() * 6);
    return Array.from({ length: n }, () => PIECES[Math.floor(r() * PIECES.length)]).join("");
  }
  if (pick < 0.55) return Math.round(r() * 1e6) / 100 - 5000;
  if (pick < 0.6) return r() < 0.5;
  if (pick < 0.65) return null;
  if (pick < 0.8) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  return randomObject(r, depth + 1);
}

function randomObject(r: () => number, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) out[`k${i}${PIECES[Math.floor(r() * PIECES.length)]}`] = randomValue(r, depth);
  return out;
}

/** Cuts text at random places (pieces may be empty, as some servers send). */
function split(text: string, r: () => number): string[] {
  const parts: string[] = [];
  let at = 0;
  while (at < text.length) {
    const len = Math.floor(r() * 12);
    parts.push(text.slice(at, at + len));
    at += len;
  }
  return parts.length > 0 ? parts : [""];
}

const chunk = (calls: ChatToolCallIn[]): ChatChunk => ({
  choices: [{ index: 0, delta: { tool_calls: calls } }],
});

function trial(seed: number): void {
  const r = rng(seed);
  const calls = Array.from({ length: 1 + Math.floor(r() * 3) }, (_, i) => ({
    index: i,
    id: `call_${seed}_${i}`,
    name: `tool_${i}`,
    input: randomObject(r),
  }));
  // One queue of fragments per call; the first fragment carries id and name.
  const queues = calls.map((c) =>
    split(JSON.stringify(c.input), r).map((args, k): ChatToolCallIn => {
      const fn = k === 0 ? { name: c.name, arguments: args } : { arguments: args };
      return k === 0
        ? { index: c.index, id: c.id, type: "function", function: fn }
        : { index: c.index, function: fn };
    }),
  );
  const chunks: ChatChunk[] = [];
  if (r() < 0.5) chunks.push({ choices: [{ index: 0, delta: { content: "Let me look." } }] });
  const interleave = r() < 0.5;
  while (queues.some((q) => q.length > 0)) {
    const live = queues.filter((q) => q.length > 0);
    const q = interleave
      ? (live[Math.floor(r() * live.length)] as ChatToolCallIn[])
      : (live[0] as ChatToolCallIn[]);
    chunks.push(chunk([q.shift() as ChatToolCallIn]));
  }
  if (r() < 0.7) chunks.push({ choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] });

  const stream = new ChatToMessagesStream({ model: "m", id: "msg_p" });
  const events = [...chunks.flatMap((c) => stream.push(c)), ...stream.finish()];
  expect(streamProblems(events)).toEqual([]);
  const inputs = toolInputs(events);
  expect(inputs.size).toBe(calls.length);
  for (const c of calls) expect(inputs.get(c.id)).toEqual(c.input);
  expect(stream.warnings).toEqual([]);
}

describe("tool call arguments split into random fragments", () => {
  test("always stream to the same parsed input, sequential or interleaved (300 seeds)", () => {
    for (let seed = 1; seed <= 300; seed++) trial(seed);
  });
});
