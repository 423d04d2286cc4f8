// Owns restoring pseudonyms in Gemini's streamGenerateContent answer without alt=sse: a JSON
// array whose elements (the same chunks alt=sse sends as events) arrive over time. Cuts it with
// JsonArraySplitter and hands each element to the Gemini event restorer, so the same rules hold
// as for the SSE stream. Promises:
// - nothing but one element is ever held: an element goes out as soon as it is complete, and the
//   brackets, commas and whitespace around it at once; the client's bytes parse as the same array
//   with real values;
// - an element with nothing to restore goes out byte for byte; one that changes is re-serialized;
// - a pseudonym split across network chunks inside an element is restored (the element is read
//   whole first); one split across the text of successive elements is joined too (text that
//   could begin a pseudonym waits for the next element, or the one with finishReason);
// - text still held when the array closes goes out in one added element just before the `]`;
// - an element over MAX_EVENT_BYTES is not restored: held text goes out first, in an added
//   element, then the big element as it arrives, pseudonyms and all. The JSON stays valid and
//   no secret is sent; only restoring is given up for that element (a large inline image, in
//   practice, where there is no text to restore);
// - a body that is not an array (an error object) is restored whole at the end, as a JSON answer.

import { type JsonArrayFrame, JsonArraySplitter } from "../sse/json-array.ts";
import type { RestoreKit } from "./sse-channels.ts";
import { enqueue, MAX_EVENT_BYTES } from "./sse-restore.ts";
import { createGeminiRestorer } from "./sse-restore-gemini.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function createJsonArrayRestoreTransform(
  kit: RestoreKit,
  restoreWhole: (text: string) => string,
  maxElementBytes = MAX_EVENT_BYTES,
): TransformStream<Uint8Array, Uint8Array> {
  const splitter = new JsonArraySplitter(maxElementBytes);
  const restorer = createGeminiRestorer(kit);
  const other: Uint8Array[] = [];

  /** Held text as added elements, separated like the stream's own. */
  const held = (): string =>
    restorer
      .finish()
      .map((ev) => ev.data)
      .join(splitter.separator);

  const element = (bytes: Uint8Array): Uint8Array => {
    const text = decoder.decode(bytes);
    if (!text.startsWith("{")) {
      // Gemini sends objects; anything else is restored as JSON text, in place.
      const restored = kit.text(text, true);
      return restored === text ? bytes : encoder.encode(restored);
    }
    const events = restorer.event({ data: text });
    // Gemini's restorer answers every chunk (it never holds one back); were it ever to, the
    // original keeps the array valid.
    if (events.length === 0) return bytes;
    const data = events.map((ev) => ev.data).join(splitter.separator);
    return data === text ? bytes : encoder.encode(data);
  };

  const emit = (frames: readonly JsonArrayFrame[], out: Uint8Array[]): void => {
    for (const frame of frames) {
      switch (frame.kind) {
        case "element":
          out.push(element(frame.bytes));
          break;
        case "oversized": {
          const text = held();
          if (text.length > 0) out.push(encoder.encode(text + splitter.separator));
          out.push(frame.bytes);
          break;
        }
        case "close": {
          const text = held();
          if (text.length > 0)
            out.push(encoder.encode((splitter.afterElement ? splitter.separator : "") + text));
          out.push(frame.bytes);
          break;
        }
        case "other":
          other.push(frame.bytes);
          break;
        default:
          out.push(frame.bytes);
      }
    }
  };

  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      const out: Uint8Array[] = [];
      emit(splitter.push(chunk), out);
      enqueue(out, controller);
    },
    flush(controller) {
      const out: Uint8Array[] = [];
      emit(splitter.finish(), out);
      if (other.length > 0) out.push(encoder.encode(restoreWhole(decoder.decode(Buffer.concat(other)))));
      else if (splitter.open) {
        // The array was cut short: still hand over the held text, as one more element.
        const text = held();
        if (text.length > 0)
          out.push(encoder.encode((splitter.afterElement ? splitter.separator : "") + text));
      }
      enqueue(out, controller);
    },
  });
}
