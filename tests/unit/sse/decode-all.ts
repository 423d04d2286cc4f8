// Test helper: runs an SseDecoder over a list of chunks and collects every event, finish included.

import { SseDecoder, type SseDecoderOptions } from "../../../src/sse/parse.ts";
import type { SseEvent } from "../../../src/sse/types.ts";

export function decodeAll(chunks: Array<Uint8Array | string>, options?: SseDecoderOptions): SseEvent[] {
  const decoder = new SseDecoder(options);
  const out: SseEvent[] = [];
  for (const chunk of chunks) out.push(...decoder.push(chunk));
  out.push(...decoder.finish());
  return out;
}

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
