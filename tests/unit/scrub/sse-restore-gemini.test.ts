import { describe, expect, test } from "bun:test";
import { createScrubber } from "../../../src/scrub/scrub.ts";
import type { SseEvent } from "../../../src/sse/types.ts";
import { ALNUM, fake, j } from "../../fixtures/scrub/fake.ts";
import { chunked, encodeAll, json, pipe, splitsInTwo } from "../../fixtures/scrub/sse.ts";

const scrubber = createScrubber({ mode: "pseudonymize", hmacKey: new Uint8Array(32).fill(5) });
const token = j("AI", "za", fake(ALNUM, 35, 9));
const ph = scrubber.scrubText(`key ${token}`).text.slice(4);
const modelText = `Set GEMINI_API_KEY=${ph} and retry.`;
const realText = `Set GEMINI_API_KEY=${token} and retry.`;

const chunk = (parts: object[], finishReason?: string): SseEvent => ({
  data: JSON.stringify({
    candidates: [{ index: 0, content: { role: "model", parts }, ...(finishReason ? { finishReason } : {}) }],
    modelVersion: "gemini-x",
  }),
});

function stream(textParts: string[]): SseEvent[] {
  return [
    ...textParts.map((text) => chunk([{ text }])),
    chunk([{ functionCall: { name: "sh", args: { key: ph, nested: [`k=${ph}`] } } }]),
    chunk([{ text: "" }], "STOP"),
  ];
}

function view(events: SseEvent[]) {
  let text = "";
  let args: unknown;
  for (const e of events) {
    const d = json(e) as {
      candidates?: {
        content?: { parts?: { text?: string; thought?: boolean; functionCall?: { args: unknown } }[] };
      }[];
    };
    for (const p of d.candidates?.[0]?.content?.parts ?? []) {
      if (typeof p.text === "string" && !p.thought) text += p.text;
      if (p.functionCall) args = p.functionCall.args;
    }
  }
  return { text, args };
}

const run = (events: SseEvent[], size = 4096) =>
  pipe(scrubber.sseRestoreTransform("gemini"), chunked(encodeAll(events), size));

describe("Gemini SSE restore", () => {
  test("restores text split at every position and whole functionCall args", async () => {
    for (const [a, b] of splitsInTwo(modelText)) {
      const v = view(await run(stream([a, b])));
      expect(v.text).toBe(realText);
      expect(v.args).toEqual({ key: token, nested: [`k=${token}`] });
    }
  });

  test("restores one-character parts arriving one byte at a time", async () => {
    expect(view(await run(stream([...modelText]), 1)).text).toBe(realText);
  });

  test("adds a held tail to the chunk with finishReason", async () => {
    const out = await run([chunk([{ text: `a ${ph.slice(0, 11)}` }]), chunk([], "STOP")]);
    expect(view(out).text).toBe(`a ${ph.slice(0, 11)}`);
    expect(json(out.at(-1)!)).toMatchObject({ candidates: [{ finishReason: "STOP" }] });
  });

  test("emits held text in a last chunk when the stream ends early", async () => {
    const out = await run([chunk([{ text: `b ${ph.slice(0, 7)}` }])]);
    expect(view(out).text).toBe(`b ${ph.slice(0, 7)}`);
  });

  test("keeps thought parts apart from answer text", async () => {
    const out = await run([chunk([{ text: `think ${ph}`, thought: true }, { text: "answer" }], "STOP")]);
    const parts = (
      json(out[0]!) as { candidates: { content: { parts: { text: string; thought?: boolean }[] } }[] }
    ).candidates[0]!.content.parts;
    expect(parts).toEqual([{ text: `think ${token}`, thought: true }, { text: "answer" }]);
  });

  test("passes chunks without placeholders through unchanged", async () => {
    const input = [chunk([{ text: "hello" }]), chunk([{ text: " world" }], "STOP")];
    expect(await run(input)).toEqual(input);
  });
});
