// The bounded side path that turns relayed response bytes into what consumers understand:
// SSE events decoded as they pass, or one JSON body parsed at the end. Compressed bodies are
// kept (up to the cap) and decompressed once at the end, so the client path never waits on
// it. Past the cap the reader stops looking; the client still gets every byte.
import { SseDecoder } from "../sse/parse.ts";
import { SseSkimmer } from "../sse/skim.ts";
import { decompress, isPlain } from "./decompress.ts";
import type { ResponseConsumer } from "./observe.ts";

export interface ReaderOptions {
  contentType: string | null;
  contentEncoding: string | null;
  /** Most bytes kept for a non-stream or compressed body. */
  maxBytes: number;
}

export interface ResponseReader {
  push(chunk: Uint8Array): void;
  end(): void;
}

export function createResponseReader(consumer: ResponseConsumer, opts: ReaderOptions): ResponseReader {
  const compressed = !isPlain(opts.contentEncoding);
  const sse = opts.contentType?.includes("text/event-stream") === true;
  const json = opts.contentType?.includes("json") === true;
  // Events every consumer skips are not decoded at all (most of an Anthropic stream).
  const decoder =
    sse && !compressed ? (consumer.skip ? new SseSkimmer(consumer.skip) : new SseDecoder()) : undefined;
  const kept: Uint8Array[] = [];
  let keptBytes = 0;
  let overflow = false;

  const emitWhole = (bytes: Uint8Array) => {
    if (sse) {
      const d = new SseDecoder();
      for (const ev of d.push(bytes)) consumer.event?.(ev);
      for (const ev of d.finish()) consumer.event?.(ev);
    } else if (json) {
      try {
        consumer.json?.(JSON.parse(new TextDecoder().decode(bytes)));
      } catch {
        // Not JSON after all (or cut short): nothing to report.
      }
    }
  };

  return {
    push(chunk) {
      if (decoder) {
        for (const ev of decoder.push(chunk)) consumer.event?.(ev);
        return;
      }
      if (overflow || (!json && !sse)) return;
      keptBytes += chunk.byteLength;
      if (keptBytes > opts.maxBytes) {
        overflow = true;
        kept.length = 0;
        return;
      }
      kept.push(chunk);
    },
    end() {
      if (decoder) {
        for (const ev of decoder.finish()) consumer.event?.(ev);
      } else if (!overflow && kept.length > 0) {
        const whole = kept.length === 1 ? kept[0]! : Buffer.concat(kept);
        // A body cut mid-stream does not decompress; consumers then see nothing.
        const bytes = compressed ? decompress(opts.contentEncoding!, whole, 4 * opts.maxBytes) : whole;
        if (bytes) emitWhole(bytes);
      }
      consumer.end?.();
    },
  };
}
