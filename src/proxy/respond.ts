// Turns an upstream answer into the client's response: headers cleaned, body relayed
// unbuffered, and a bounded side reader feeding usage and the observers. Used by plain
// forwarding and, with a translated body, by routed providers.
import type { RequestContext } from "./context.ts";
import { clientResponseHeaders } from "./headers.ts";
import type { AbortCause } from "./http-client.ts";
import { fanOut, guarded, type ResponseConsumer } from "./observe.ts";
import { relay } from "./relay.ts";
import { createResponseReader } from "./response-reader.ts";
import { restoreTransform } from "./scrub-step.ts";
import { usageConsumer } from "./usage-consumer.ts";

export interface UpstreamAnswer {
  status: number;
  statusText?: string;
  headers: Headers;
  body: ReadableStream<Uint8Array> | null;
  abort: (cause: AbortCause) => void;
  release: () => void;
}

/** Most bytes of a non-stream body the side reader keeps to find usage. */
const USAGE_READ_CAP = 8 * 1024 * 1024;

export function respond(
  ctx: RequestContext,
  answer: UpstreamAnswer,
  transform?: TransformStream<Uint8Array, Uint8Array>,
) {
  const { ex, deps } = ctx;
  ex.status = answer.status;
  if (answer.status >= 500) ex.outcome = "error";
  const headers = clientResponseHeaders(answer.headers, ex.id);
  if (answer.body === null || ctx.req.method === "HEAD") {
    answer.release();
    ex.ttfbMs = performance.now() - ex.t0;
    ctx.finish();
    return new Response(null, { status: answer.status, statusText: answer.statusText, headers });
  }

  const consumers: ResponseConsumer[] = [usageConsumer(ex, ctx.route.api, deps.pricing)];
  for (const o of deps.observers) {
    const c = guarded("observer.onResponse", deps.onObserverError, () => o.onResponse?.(ex));
    if (c) consumers.push(c);
  }
  const reader = createResponseReader(fanOut(consumers, deps.onObserverError)!, {
    contentType: answer.headers.get("content-type"),
    contentEncoding: answer.headers.get("content-encoding"),
    maxBytes: Math.max(USAGE_READ_CAP, deps.config.telemetryMaxBodyBytes),
  });

  const stream = relay(answer.body, {
    readTimeoutMs: deps.config.readTimeoutMs,
    abortUpstream: answer.abort,
    onChunk: (c) => {
      ex.ttfbMs ??= performance.now() - ex.t0;
      guarded("reader.push", deps.onObserverError, () => reader.push(c));
    },
    onEnd: (end, bytes) => {
      answer.release();
      ex.bytesOut = bytes;
      if (end === "client_closed") ex.outcome = "client_closed";
      else if (end !== "complete") {
        ex.outcome = "incomplete";
        ex.error =
          end === "read_timeout" ? "upstream went silent (read timeout)" : "upstream stream ended abnormally";
      }
      guarded("reader.end", deps.onObserverError, () => reader.end());
      ctx.finish();
    },
  });
  const restore = ctx.restorer
    ? restoreTransform(ctx.restorer, ctx.route.api, answer.headers.get("content-type"))
    : undefined;
  let body = transform ? stream.pipeThrough(transform) : stream;
  if (restore) {
    body = body.pipeThrough(restore);
    // Restored values differ in length from their pseudonyms.
    headers.delete("content-length");
  }
  return new Response(body, { status: answer.status, statusText: answer.statusText, headers });
}
