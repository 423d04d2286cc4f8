// Relays an upstream response body to the client chunk by chunk, untouched and unbuffered.
// Pull-based with no queue of its own (highWaterMark 0): a slow client slows the upstream
// read instead of growing memory. Tells its caller how the stream ended: completely, cut by
// upstream (incomplete), by the read timeout, or because the client went away.

export type RelayEnd = "complete" | "upstream_error" | "read_timeout" | "client_closed";

export interface RelayOptions {
  readTimeoutMs: number;
  /** Aborts the upstream fetch (its AbortController). */
  abortUpstream: (cause: "read_timeout" | "client_closed") => void;
  /** Sees every chunk after it is handed to the client (metrics side parsers). */
  onChunk?: (chunk: Uint8Array) => void;
  onEnd: (end: RelayEnd, bytes: number) => void;
}

export function relay(body: ReadableStream<Uint8Array>, opts: RelayOptions): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let bytes = 0;
  let ended = false;
  let timedOut = false;
  const end = (how: RelayEnd) => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    opts.onEnd(how, bytes);
  };
  // One timer per stream, re-armed on every chunk: the read timeout is the longest silence.
  const timer = setTimeout(() => {
    timedOut = true;
    opts.abortUpstream("read_timeout");
  }, opts.readTimeoutMs);

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            end("complete");
            controller.close();
            return;
          }
          timer.refresh();
          bytes += value.byteLength;
          controller.enqueue(value);
          opts.onChunk?.(value);
        } catch {
          end(timedOut ? "read_timeout" : "upstream_error");
          // Erroring (not closing) makes Bun end the response abnormally, so the client
          // can tell a cut stream from a finished one. Without a reason object Bun does not
          // print a stack trace for it; the request log says what happened.
          controller.error();
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
}
