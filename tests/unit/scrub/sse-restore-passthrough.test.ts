// What the SSE restorer leaves alone: comment lines, unknown fields, event/id/retry, blank lines
// and line endings go out as they came; only data that held a pseudonym changes.
import { describe, expect, test } from "bun:test";
import { createScrubber } from "../../../src/scrub/scrub.ts";
import { createSseRestoreTransform } from "../../../src/scrub/sse-restore.ts";
import { SseDecoder } from "../../../src/sse/parse.ts";
import { ALNUM, fake, j } from "../../fixtures/scrub/fake.ts";
import { pipeBytes, restoreKitOf, splitsInTwo } from "../../fixtures/scrub/sse.ts";

const scrubber = createScrubber({ mode: "pseudonymize", hmacKey: new Uint8Array(32).fill(4) });
const token = j("gh", "p_", fake(ALNUM, 36, 21));
const ph = scrubber.scrubText(` ${token} `).text.trim();
const text = new TextDecoder();

const delta = (t: string) =>
  JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: t } });

/** An Anthropic stream dressed with everything a proxy must pass on; `a`/`b` are the two deltas. */
function wire(a: string, b: string): string {
  return [
    ": OPENROUTER PROCESSING\n\n",
    'event: message_start\nid: 1\ndata: {"type":"message_start","message":{"id":"m","content":[]}}\n\n',
    ": ping\n\n",
    'event: content_block_start\ndata:{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
    `event: content_block_delta\nretry: 3000\nx-unknown: yes\ndata: ${delta(a)}\n: in the block\n\n`,
    "id: 2\n\n",
    `event: content_block_delta\nid: 3\ndata: ${delta(b)}\n\n`,
    ": ping\n\n",
    'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
    'event: message_stop\ndata: {"type":"message_stop"}\n\n',
  ].join("");
}

const input = wire(`Use ${ph.slice(0, 9)}`, `${ph.slice(9)} to push.`);
// The first delta keeps back what could begin a pseudonym; the second brings it back whole.
const expected = wire("Use ", `${token} to push.`);

const anthropic = () => scrubber.sseRestoreTransform("anthropic");
const run = async (chunks: string[], eol = "\n") =>
  text.decode(
    await pipeBytes(
      anthropic(),
      chunks.map((c) => c.replaceAll("\n", eol)),
    ),
  );

describe("SSE restore passes on what it does not restore", () => {
  test("comments, unknown fields, event/id/retry and blank lines survive in order at every split", async () => {
    for (const [a, b] of splitsInTwo(input)) expect(await run([a, b])).toBe(expected);
  });

  test("the same one byte at a time", async () => {
    expect(await run([...input])).toBe(expected);
  });

  for (const [name, eol] of [
    ["CRLF", "\r\n"],
    ["CR", "\r"],
  ] as const) {
    test(`a ${name} stream keeps its line endings at every split`, async () => {
      const want = expected.replaceAll("\n", eol);
      for (const [a, b] of splitsInTwo(input)) expect(await run([a, b], eol)).toBe(want);
    });
  }

  test("a stream without pseudonyms comes out byte for byte", async () => {
    const plain = wire("hello ", "world").replaceAll("\n", "\r\n");
    expect(await run([plain])).toBe(plain);
  });

  test("a comment arriving alone is sent at once, even while text is held back", async () => {
    const { writable, readable } = anthropic();
    const writer = writable.getWriter();
    const reader = readable.getReader();
    const encoder = new TextEncoder();
    void writer.write(
      encoder.encode(`event: content_block_delta\ndata: ${delta(`a ${ph.slice(0, 5)}`)}\n\n`),
    );
    expect(text.decode((await reader.read()).value)).toContain('"text":"a "');
    for (const ping of [": ping\n\n", ": OPENROUTER PROCESSING\r\n\r\n", ": keep"]) {
      void writer.write(encoder.encode(ping));
      expect(text.decode((await reader.read()).value)).toBe(ping);
    }
    void writer.close();
  });

  test("an event whose text is all held back is not sent, but its comment lines are", async () => {
    const out = await run([
      `event: content_block_delta\ndata: ${delta(ph.slice(0, 6))}\n: note\n\n`,
      `event: content_block_delta\ndata: ${delta(`${ph.slice(6)}!`)}\n\n`,
    ]);
    expect(out).toBe(`: note\nevent: content_block_delta\ndata: ${delta(`${token}!`)}\n\n`);
  });

  test("text held at the end is sent in an added event with the stream's line ending", async () => {
    const chunk = (content: string) =>
      `data: ${JSON.stringify({ id: "c", choices: [{ index: 0, delta: { content } }] })}\r\n\r\n`;
    const out = text.decode(
      await pipeBytes(scrubber.sseRestoreTransform("openai"), [
        ": OPENROUTER PROCESSING\r\n\r\n",
        chunk(`see ${ph.slice(0, 8)}`),
        "data: [DONE]\r\n\r\n",
      ]),
    );
    expect(out.replaceAll("\r\n", "")).not.toContain("\n");
    expect(out).toStartWith(": OPENROUTER PROCESSING\r\n\r\n");
    expect(out).toEndWith("data: [DONE]\r\n\r\n");
    expect(out).toContain(ph.slice(0, 8));
  });

  test("added events stand on their own when the stream ends inside a block", async () => {
    const out = text.decode(
      await pipeBytes(anthropic(), [`event: content_block_delta\ndata: ${delta(`x ${ph.slice(0, 8)}`)}`]),
    );
    const decoder = new SseDecoder();
    const events = [...decoder.push(out), ...decoder.finish()];
    expect(events.map((e) => JSON.parse(e.data).delta.text)).toEqual(["x ", ph.slice(0, 8)]);
  });

  test("a block over the cap goes out unrestored after the held text, and restoring resumes", async () => {
    const kit = restoreKitOf({ [ph]: token });
    const big = `event: content_block_delta\ndata: ${delta(`${ph} ${"x".repeat(300)}`)}\n\n`;
    const out = text.decode(
      await pipeBytes(createSseRestoreTransform("anthropic", kit, 200), [
        `event: content_block_delta\ndata: ${delta(`a ${ph.slice(0, 10)}`)}\n\n`,
        big,
        `event: content_block_delta\ndata: ${delta(`b ${ph}`)}\n\n`,
      ]),
    );
    expect(out).toBe(
      `event: content_block_delta\ndata: ${delta("a ")}\n\n` +
        `event: content_block_delta\ndata: ${delta(ph.slice(0, 10))}\n\n` +
        big +
        `event: content_block_delta\ndata: ${delta(`b ${token}`)}\n\n`,
    );
  });
});
