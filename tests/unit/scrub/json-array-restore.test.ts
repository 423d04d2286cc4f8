// Gemini's streamGenerateContent without alt=sse: a JSON array streamed element by element.
import { describe, expect, test } from "bun:test";
import { createJsonArrayRestoreTransform } from "../../../src/scrub/json-array-restore.ts";
import { createScrubber } from "../../../src/scrub/scrub.ts";
import { ALNUM, fake, j } from "../../fixtures/scrub/fake.ts";
import { pipeBytes, restoreKitOf, splitsInTwo } from "../../fixtures/scrub/sse.ts";

const scrubber = createScrubber({ mode: "pseudonymize", hmacKey: new Uint8Array(32).fill(6) });
const token = j("AI", "za", fake(ALNUM, 35, 11));
const ph = scrubber.scrubText(`key ${token}`).text.slice(4);
const text = new TextDecoder();

/** One streamed chunk, pretty-printed the way Gemini sends them. */
const chunk = (parts: object[], finishReason?: string) =>
  JSON.stringify(
    {
      candidates: [
        { content: { role: "model", parts }, ...(finishReason ? { finishReason } : {}), index: 0 },
      ],
      modelVersion: "gemini-2.5-flash",
    },
    null,
    2,
  );

const array = (elements: string[]) => `[${elements.join(",\r\n")}\r\n]`;
const elements = [
  chunk([{ text: "Hello. " }]),
  chunk([{ text: `Set GEMINI_API_KEY=${ph} and retry.` }]),
  chunk([{ functionCall: { name: "sh", args: { env: `K=${ph}` } } }]),
  chunk([{ text: " Done." }], "STOP"),
];
const input = array(elements);

const transform = () => scrubber.jsonArrayRestoreTransform();
const run = async (chunks: string[]) => text.decode(await pipeBytes(transform(), chunks));

/** The text and function args a client assembles from the array. */
function view(body: string) {
  const parsed = JSON.parse(body) as {
    candidates: { content: { parts: { text?: string; functionCall?: { args: unknown } }[] } }[];
  }[];
  let all = "";
  const args: unknown[] = [];
  for (const el of parsed)
    for (const p of el.candidates[0]?.content.parts ?? []) {
      if (typeof p.text === "string") all += p.text;
      if (p.functionCall) args.push(p.functionCall.args);
    }
  return { text: all, args, length: parsed.length };
}

describe("Gemini JSON array restore", () => {
  test("restores a placeholder split across network chunks at every position", async () => {
    const want = {
      text: `Hello. Set GEMINI_API_KEY=${token} and retry. Done.`,
      args: [{ env: `K=${token}` }],
    };
    for (const [a, b] of splitsInTwo(input)) {
      const out = await run([a, b]);
      expect(view(out)).toEqual({ ...want, length: 4 });
      expect(out).not.toContain("SLUICE_");
    }
  });

  test("elements without placeholders and everything between elements go out byte for byte", async () => {
    const out = await run([input]);
    expect(out).toStartWith(`[${elements[0]},\r\n`);
    expect(out).toEndWith(`,\r\n${elements[3]}\r\n]`);
  });

  test("one byte at a time gives the same answer", async () => {
    expect(await run([...input])).toBe(await run([input]));
  });

  test("an element goes out as soon as it is complete", async () => {
    const { writable, readable } = transform();
    const writer = writable.getWriter();
    const reader = readable.getReader();
    const encoder = new TextEncoder();
    void writer.write(encoder.encode(`[${elements[1]!.slice(0, 40)}`));
    expect(text.decode((await reader.read()).value)).toBe("[");
    void writer.write(encoder.encode(elements[1]!.slice(40)));
    expect(text.decode((await reader.read()).value)).toContain(token);
    void writer.write(encoder.encode(",\r\n"));
    expect(text.decode((await reader.read()).value)).toBe(",\r\n");
    void writer.close();
  });

  test("a placeholder split across two elements' text is joined", async () => {
    const out = await run([
      array([chunk([{ text: `a ${ph.slice(0, 12)}` }]), chunk([{ text: `${ph.slice(12)} b` }], "STOP")]),
    ]);
    expect(view(out).text).toBe(`a ${token} b`);
  });

  test("text held when the array closes goes out in one more element before the ]", async () => {
    const out = await run([array([chunk([{ text: `tail ${ph.slice(0, 9)}` }])])]);
    expect(view(out)).toEqual({ text: `tail ${ph.slice(0, 9)}`, args: [], length: 2 });
    expect(out).toEndWith("}]");
  });

  test("an element over the cap goes out unrestored after the held text; the array stays valid", async () => {
    const kit = restoreKitOf({ [ph]: token });
    const big = chunk([{ text: `${ph} ${"x".repeat(600)}` }]);
    const body = array([chunk([{ text: `a ${ph.slice(0, 10)}` }]), big, chunk([{ text: ` ${ph}` }], "STOP")]);
    const out = text.decode(
      await pipeBytes(
        createJsonArrayRestoreTransform(kit, (t) => t, 400),
        [body.slice(0, 300), body.slice(300)],
      ),
    );
    expect(out).toContain(big);
    expect(view(out)).toEqual({
      text: `a ${ph.slice(0, 10)}${ph} ${"x".repeat(600)} ${token}`,
      args: [],
      length: 4,
    });
  });

  test("an answer that is not an array (an error) is restored whole", async () => {
    const error = JSON.stringify({ error: { code: 400, message: `bad key ${ph}` } });
    expect(JSON.parse(await run([error.slice(0, 20), error.slice(20)]))).toEqual({
      error: { code: 400, message: `bad key ${token}` },
    });
  });
});
