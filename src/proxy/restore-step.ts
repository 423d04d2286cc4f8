// Putting real values back into an answer, on the response path: picks the transform by content
// type (SSE, Gemini's streamed JSON array, a whole JSON answer) and reads compressed answers
// first. sluice asks upstream for `identity` when it will restore, but an upstream may compress
// anyway: rewriting compressed bytes as text would corrupt them, so a known encoding is
// decompressed as it streams (memory stays bounded: no more is held than for a plain answer) and
// the client gets plain bytes; an unknown or stacked one passes through untouched (placeholders,
// never secrets). A stream that turns out corrupt ends abnormally instead of arriving garbled.
import type { Restorer } from "../scrub/scrub.ts";
import { isPlain } from "./decompress.ts";

/** Largest JSON answer held to restore placeholders in it (inline images make answers big). */
export const WHOLE_RESTORE_CAP = 32 * 1024 * 1024;

const STREAM_FORMATS: Record<string, CompressionFormat> = {
  gzip: "gzip",
  "x-gzip": "gzip",
  deflate: "deflate",
  br: "brotli" as CompressionFormat,
  zstd: "zstd" as CompressionFormat,
};

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export interface RestorePlan {
  transform: TransformStream<Uint8Array, Uint8Array>;
  /** The answer was decompressed: drop its content-encoding. */
  decoded: boolean;
}

/**
 * How to restore an answer with this content type and encoding; undefined = pass it as it is.
 * `streamed`: the request asked for a stream (Gemini's streamGenerateContent answers a JSON array
 * over time without alt=sse, restored element by element rather than whole).
 */
export function restorePlan(
  restorer: Restorer,
  api: "anthropic" | "openai" | "gemini",
  headers: { contentType: string | null; contentEncoding: string | null },
  streamed = false,
  cap = WHOLE_RESTORE_CAP,
): RestorePlan | undefined {
  const restore = restoreTransform(restorer, api, headers.contentType, streamed, cap);
  if (!restore) return undefined;
  if (isPlain(headers.contentEncoding)) return { transform: restore, decoded: false };
  const format = STREAM_FORMATS[headers.contentEncoding!.trim().toLowerCase()];
  if (format === undefined) return undefined;
  const inflate = new DecompressionStream(format) as unknown as TransformStream<Uint8Array, Uint8Array>;
  inflate.readable.pipeTo(restore.writable).catch(() => {});
  return { transform: { writable: inflate.writable, readable: restore.readable }, decoded: true };
}

/** The transform for plain bytes, by content type; undefined = none. */
export function restoreTransform(
  restorer: Restorer,
  api: "anthropic" | "openai" | "gemini",
  contentType: string | null,
  streamed = false,
  cap = WHOLE_RESTORE_CAP,
): TransformStream<Uint8Array, Uint8Array> | undefined {
  if (contentType?.includes("text/event-stream")) return restorer.sseRestoreTransform(api);
  if (!contentType?.includes("json")) return undefined;
  if (streamed && api === "gemini") return restorer.jsonArrayRestoreTransform();
  // A JSON answer is restored whole: placeholders may sit anywhere in it. Up to a cap: beyond it
  // the answer passes on as it came (placeholders, never secrets, reach the client), so one huge
  // answer cannot hold unbounded memory.
  const parts: Uint8Array[] = [];
  let held = 0;
  let overflowed = false;
  return new TransformStream({
    transform(chunk, out) {
      if (overflowed) return out.enqueue(chunk);
      parts.push(chunk);
      held += chunk.byteLength;
      if (held <= cap) return;
      overflowed = true;
      for (const p of parts.splice(0)) out.enqueue(p);
    },
    flush(out) {
      if (overflowed) return;
      const bytes = Buffer.concat(parts);
      const text = decoder.decode(bytes);
      const restored = restorer.restoreJsonBody(text);
      out.enqueue(restored === text ? bytes : encoder.encode(restored));
    },
  });
}
