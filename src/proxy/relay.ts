// Relays an upstream response body to the client chunk by chunk, unbuffered. Pull-based with no
// queue of its own (highWaterMark 0): a slow client slows the upstream read instead of growing
// memory. The read timeout watches the upstream's own bytes (a keep-alive comment is activity,
// even when nothing of it reaches the client). An optional shape rewrites the stream on the way
// (the translated leg turns Chat chunks into Anthropic events) and says how a failure is told to
// the client: an error event and a close instead of a bare cut. Tells its caller how the stream
// ended: completely, cut by upstream (incomplete), by the read timeout, or because the client left.

export type RelayEnd = "complete" | "upstream_error" | "read_timeout" | "client_closed";
export type RelayFailure = "upstream_error" | "read_timeout";

/** How the client's stream is made from the upstream's. Every method may return nothing. */
export interface StreamShape {
  /** Bytes the client gets at once, before upstream sends any (an Anthropic message_start). */
  start?(): Uint8Array | undefined;
  /** The client's bytes for one upstream chunk; absent: the chunk as it came. */
  chunk?(chunk: Uint8Array): Uint8Array | undefined;
  /** Bytes after upstream ended cleanly. */
  end?(): Uint8Array | undefined;
  /**
   * Bytes telling the client the stream failed (an SSE error event), after which the stream
   * closes; undefined ends it abnormally instead, so the client still sees it cut. `tail` is the
   * last few bytes the client got (to tell whether an event was cut in half).
   */
  fail?(how: RelayFailure, tail: Uint8Array): Uint8Array | undefined;
}

export interface RelayOptions {
  readTimeoutMs: number;
  /** Aborts the upstream fetch (its AbortController). */
  abortUpstream: (cause: "read_timeout" | "client_closed") => void;
  shape?: StreamShape;
  /** Sees every chunk after it is handed to the client (metrics side parsers). */
  onChunk?: (chunk: Uint8Array) => void;
  onEnd: (end: RelayEnd, bytes: number) => void;
}

export interface Relay {
  stream: ReadableStream<Uint8Array>;
  /**
   * Waits for upstream's first chunk (bounded by the read timeout) before anything is sent, so a
   * failure can still be answered with an error status. Resolves "ok" (the chunk is kept for the
   * client, or the body was empty) or how the stream failed, in which case onEnd is never called
   * and the caller answers for it. Call at most once, before the stream is read.
   */
  firstChunk(): Promise<"ok" | RelayFailure>;
}

type ReadResult = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>>;

export function relay(body: ReadableStream<Uint8Array>, opts: RelayOptions): Relay {
  const reader = body.getReader();
  const { shape } = opts;
  let bytes = 0;
  let ended = false;
  let timedOut = false;
  let held: ReadResult | undefined;
  /** The last TAIL bytes the client got. */
  let tail: Uint8Array = new Uint8Array(0);
  const end = (how: RelayEnd) => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    opts.onEnd(how, bytes);
  };
  // One timer per stream, re-armed on every upstream chunk: the read timeout is the longest silence.
  const timer = setTimeout(() => {
    timedOut = true;
    opts.abortUpstream("read_timeout");
  }, opts.readTimeoutMs);

  const read = async (): Promise<ReadResult> => {
    if (held) {
      const r = held;
      held = undefined;
      return r;
    }
    const r = await reader.read();
    if (!r.done) timer.refresh();
    return r;
  };
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, out: Uint8Array | undefined) => {
    if (out === undefined || out.byteLength === 0) return false;
    bytes += out.byteLength;
    tail = keepTail(tail, out);
    controller.enqueue(out);
    opts.onChunk?.(out);
    return true;
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        send(controller, shape?.start?.());
      },
      async pull(controller) {
        try {
          // A chunk that gives the client nothing (a keep-alive the shape swallows) must not end
          // the pull empty-handed: the stream would never be pulled again.
          for (;;) {
            const { done, value } = await read();
            if (done) {
              send(controller, shape?.end?.());
              end("complete");
              controller.close();
              return;
            }
            if (send(controller, shape?.chunk ? shape.chunk(value) : value)) return;
          }
        } catch {
          const how: RelayFailure = timedOut ? "read_timeout" : "upstream_error";
          const told = send(controller, shape?.fail?.(how, tail));
          end(how);
          // Without a failure message, erroring (not closing) makes Bun end the response
          // abnormally, so the client can tell a cut stream from a finished one. Without a
          // reason object Bun does not print a stack trace for it; the request log says why.
          if (told) controller.close();
          else controller.error();
        }
      },
      cancel() {
        end("client_closed");
        opts.abortUpstream("client_closed");
        reader.cancel().catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );

  return {
    stream,
    async firstChunk() {
      try {
        held = await read();
        return "ok";
      } catch {
        // The caller answers with an error of its own: nothing more is reported from here.
        ended = true;
        clearTimeout(timer);
        return timedOut ? "read_timeout" : "upstream_error";
      }
    },
  };
}

const TAIL = 4;

function keepTail(tail: Uint8Array, chunk: Uint8Array): Uint8Array {
  if (chunk.byteLength >= TAIL) return chunk.subarray(chunk.byteLength - TAIL);
  const joined = new Uint8Array(tail.byteLength + chunk.byteLength);
  joined.set(tail);
  joined.set(chunk, tail.byteLength);
  return joined.slice(Math.max(0, joined.byteLength - TAIL));
}
