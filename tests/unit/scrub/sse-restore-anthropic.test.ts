import { describe, expect, test } from "bun:test";
import { createScrubber } from "../../../src/scrub/scrub.ts";
import { ALNUM, fake, j, pem } from "../../fixtures/scrub/fake.ts";
import {
  anthropicStream,
  anthropicView,
  chunked,
  encodeAll,
  pipe,
  splitsInTwo,
} from "../../fixtures/scrub/sse.ts";

const scrubber = createScrubber({ mode: "pseudonymize", hmacKey: new Uint8Array(32).fill(3) });
const token = j("gh", "p_", fake(ALNUM, 36, 77));
const privateKey = pem(j("RSA ", "PRIVATE KEY"), 3, 5);

function pseudonymOf(secret: string): string {
  const out = scrubber.scrubText(` ${secret} `).text.trim();
  expect(out).toStartWith("SLUICE_");
  return out;
}

const ph = pseudonymOf(token);
const keyPh = pseudonymOf(privateKey);
const modelText = `Use ${ph} to push.`;
const realText = `Use ${token} to push.`;
const modelArgs = JSON.stringify({ command: `git push https://x:${ph}@github.com/o/r`, key: keyPh });
const realArgs = { command: `git push https://x:${token}@github.com/o/r`, key: privateKey };

async function run(textParts: string[], jsonParts: string[], chunkSize = 4096) {
  const bytes = encodeAll(anthropicStream(textParts, jsonParts));
  return pipe(scrubber.sseRestoreTransform("anthropic"), chunked(bytes, chunkSize));
}

describe("Anthropic SSE restore", () => {
  test("restores a text placeholder split at every position between two deltas", async () => {
    for (const [a, b] of splitsInTwo(modelText)) {
      const view = anthropicView(await run([a, b], [modelArgs]));
      expect(view.text).toBe(realText);
    }
  });

  test("restores tool input split at every position, escaping values for JSON", async () => {
    for (const [a, b] of splitsInTwo(modelArgs)) {
      const view = anthropicView(await run([modelText], [a, b]));
      expect(JSON.parse(view.json)).toEqual(realArgs);
    }
  });

  test("restores when every delta is one character and the bytes arrive one at a time", async () => {
    const events = await run([...modelText], [...modelArgs], 1);
    const view = anthropicView(events);
    expect(view.text).toBe(realText);
    expect(JSON.parse(view.json)).toEqual(realArgs);
    expect(view.stops).toBe(2);
  });

  test("sends a held tail before the block stops", async () => {
    const events = await run(["see ", ph.slice(0, 12)], [modelArgs]);
    const stop = events.findIndex((e) => e.event === "content_block_stop");
    const before = events.slice(0, stop).filter((e) => e.event === "content_block_delta");
    expect(JSON.parse(before.at(-1)!.data).delta.text).toBe(ph.slice(0, 12));
    expect(anthropicView(events).text).toBe(`see ${ph.slice(0, 12)}`);
  });

  test("passes events without placeholders through with the same data", async () => {
    const input = anthropicStream(["hello ", "world"], ['{"a":', "1}"]);
    const out = await pipe(scrubber.sseRestoreTransform("anthropic"), [encodeAll(input)]);
    expect(out).toEqual(input);
  });

  test("leaves thinking and signatures as the model wrote them", async () => {
    const thinking = [
      {
        event: "content_block_start",
        data: JSON.stringify({
          type: "content_block_start",
          index: 0,
          content_block: { type: "thinking", thinking: "" },
        }),
      },
      {
        event: "content_block_delta",
        data: JSON.stringify({
          type: "content_block_delta",
          index: 0,
          delta: { type: "thinking_delta", thinking: `try ${ph}` },
        }),
      },
      {
        event: "content_block_delta",
        data: JSON.stringify({
          type: "content_block_delta",
          index: 0,
          delta: { type: "signature_delta", signature: "c2ln" },
        }),
      },
      { event: "content_block_stop", data: JSON.stringify({ type: "content_block_stop", index: 0 }) },
    ];
    const out = await pipe(scrubber.sseRestoreTransform("anthropic"), [encodeAll(thinking)]);
    expect(out).toEqual(thinking);
  });

  test("emits what is still held when the stream ends without a stop", async () => {
    const events = anthropicStream([`x ${ph.slice(0, 9)}`], []).slice(0, 3);
    const out = await pipe(scrubber.sseRestoreTransform("anthropic"), [encodeAll(events)]);
    expect(anthropicView(out).text).toBe(`x ${ph.slice(0, 9)}`);
  });

  test("redact mode passes the stream through untouched", async () => {
    const redactor = createScrubber({ mode: "redact", hmacKey: new Uint8Array(32) });
    const bytes = encodeAll(anthropicStream([modelText], [modelArgs]));
    const out = await pipe(redactor.sseRestoreTransform("anthropic"), [bytes]);
    expect(anthropicView(out).text).toBe(modelText);
  });
});
