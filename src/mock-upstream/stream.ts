// Owns putting bytes on the wire over time: framing a StreamPlan (SSE or a streamed JSON
// array), spacing frames by the gap, injecting an in-stream error, cutting the connection
// (x-mock-reset-after) and gzip with a flush per frame. Promises: a client that leaves stops
// every timer at once; onEnd is called exactly once with how the stream ended.

import zlib from "node:zlib";
import { encodeSse } from "../sse/encode.ts";
import type { SseEvent } from "../sse/types.ts";
import type { StreamPlan } from "./handler.ts";

/**
 * Bun's fetch client may drop bytes it already received when the reset arrives in the same
 * read, so the cut waits this long after the last frame; the client then sees every frame
 * that was sent, followed by an error.
 */
const RESET_SETTLE_MS = 25;

export type StreamOutcome = "complete" | "aborted" | "reset";

export interface Framed {
  frames: string[];
  /** Sent after the last frame on a clean end ("]" for a JSON array). */
  trailer: string;
}

/** Frames for the plan; with `errorAfter`, the events after that many are replaced by `errorEvent`. */
export function frame(plan: StreamPlan, errorEvent: SseEvent, errorAfter?: number): Framed {
  const events = errorAfter === undefined ? plan.events : [...plan.events.slice(0, errorAfter), errorEvent];
  switch (plan.framing) {
    case "sse":
      return { frames: events.map(encodeSse), trailer: "" };
    case "sse-crlf":
      return { frames: events.map((e) => encodeSse(e).replaceAll("\n", "\r\n")), trailer: "" };
    case "json-array":
      if (events.length === 0) return { frames: [], trailer: "[]" };
      return { frames: events.map((e, i) => (i === 0 ? `[${e.data}` : `,\r\n${e.data}`)), trailer: "]" };
  }
}

export interface PaceOptions {
  gapMs: number;
  /** Cut the connection after this many frames, or after the last one (0: before any byte). */
  resetAfter?: number;
  signal: AbortSignal;
  onEnd(outcome: StreamOutcome): void;
}

/** A pull-driven body: one frame per pull, `gapMs` between frames, honouring the client leaving. */
export function paced(
  chunks: readonly (string | Uint8Array)[],
  trailer: string,
  opts: PaceOptions,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  let ended = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  const end = (outcome: StreamOutcome) => {
    if (ended) return;
    ended = true;
    if (timer !== undefined) clearTimeout(timer);
    wake?.();
    opts.onEnd(outcome);
  };
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });
  const onAbort = () => end("aborted");
  opts.signal.addEventListener("abort", onAbort, { once: true });
  const finish = (outcome: StreamOutcome) => {
    opts.signal.removeEventListener("abort", onAbort);
    end(outcome);
  };
  // Once the client has left, fail the body so nothing waits on it (a no-op when cancelled).
  const abandon = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    try {
      controller.error(undefined);
    } catch {
      // already closed or cancelled
    }
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (ended) return abandon(controller);
      // Past the last frame a reset still cuts, instead of the clean end (and trailer).
      const reset = opts.resetAfter !== undefined && (next >= opts.resetAfter || next >= chunks.length);
      if (next > 0 && (opts.gapMs > 0 || reset))
        await wait(reset ? Math.max(opts.gapMs, RESET_SETTLE_MS) : opts.gapMs);
      if (ended) return abandon(controller);
      if (reset) {
        finish("reset");
        // An undefined reason makes Bun drop the connection without logging a stack trace.
        controller.error(undefined);
        return;
      }
      const chunk = chunks[next++];
      if (chunk !== undefined) {
        controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
        return;
      }
      if (trailer) controller.enqueue(encoder.encode(trailer));
      finish("complete");
      controller.close();
    },
    cancel() {
      finish("aborted");
    },
  });
}

/** Gzip that flushes after every chunk, so a compressed stream still arrives event by event. */
export function gzipFlushing(): TransformStream<Uint8Array, Uint8Array> {
  const gz = zlib.createGzip();
  let out: Uint8Array[] = [];
  gz.on("data", (d: Uint8Array) => out.push(d));
  const drain = (controller: TransformStreamDefaultController<Uint8Array>) => {
    for (const d of out) controller.enqueue(d);
    out = [];
  };
  // `cancel` (WHATWG 2023) frees the zlib handle when the client leaves; older lib types lack it.
  const transformer: Transformer<Uint8Array, Uint8Array> & { cancel(): void } = {
    async transform(chunk, controller) {
      gz.write(chunk);
      await new Promise<void>((resolve) => gz.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
      drain(controller);
    },
    async flush(controller) {
      await new Promise<void>((resolve) => {
        gz.once("end", () => resolve());
        gz.end();
      });
      drain(controller);
    },
    cancel() {
      gz.destroy();
    },
  };
  return new TransformStream(transformer);
}
