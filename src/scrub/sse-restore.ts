// Owns restoring pseudonyms in a streamed SSE response: bytes in, bytes out. Parses events with
// SseDecoder, hands them to the API's event restorer, and encodes what comes back. Promises:
// events reach the client as soon as they arrive (only text that could begin a pseudonym is held,
// and only until the next delta or the end of its block); events with nothing to restore keep
// their data as sent; a pseudonym split across any number of deltas comes out whole.
// Not kept: SSE comment lines (the decoder drops them). For translated routes, apply the
// "anthropic" transform to the stream the client receives, after translation.

import { encodeSse } from "../sse/encode.ts";
import { SseDecoder } from "../sse/parse.ts";
import type { SseEvent } from "../sse/types.ts";
import type { EventRestorer, RestoreKit } from "./sse-channels.ts";
import { createAnthropicRestorer } from "./sse-restore-anthropic.ts";
import { createGeminiRestorer } from "./sse-restore-gemini.ts";
import { createOpenAiRestorer } from "./sse-restore-openai.ts";

export type SseApi = "anthropic" | "openai" | "gemini";

/** Whole events are needed to restore them; allow large ones (final Responses events carry all output). */
const MAX_EVENT_BYTES = 16 * 1024 * 1024;

export function createEventRestorer(api: SseApi, kit: RestoreKit): EventRestorer {
  if (api === "anthropic") return createAnthropicRestorer(kit);
  if (api === "openai") return createOpenAiRestorer(kit);
  return createGeminiRestorer(kit);
}

export function createSseRestoreTransform(
  api: SseApi,
  kit: RestoreKit,
): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new SseDecoder({ maxEventBytes: MAX_EVENT_BYTES });
  const restorer = createEventRestorer(api, kit);
  const encoder = new TextEncoder();
  const restore = (events: readonly SseEvent[]): string => {
    let out = "";
    for (const ev of events) for (const restored of restorer.event(ev)) out += encodeSse(restored);
    return out;
  };
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      const out = restore(decoder.push(chunk));
      if (out.length > 0) controller.enqueue(encoder.encode(out));
    },
    flush(controller) {
      let out = restore(decoder.finish());
      for (const ev of restorer.finish()) out += encodeSse(ev);
      if (out.length > 0) controller.enqueue(encoder.encode(out));
    },
  });
}
