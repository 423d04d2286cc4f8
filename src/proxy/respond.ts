// Turns an upstream answer into the client's response: headers cleaned, body relayed
// unbuffered, and a bounded side reader feeding usage and the observers. Used by plain
// forwarding and, with a translated body, by routed providers. Small answers of known length
// that are not event streams (JSON replies) are read whole by Bun natively and sent at once:
// the same bytes, at a fraction of the cost of a JavaScript stream per response.
import { proxyError } from "../errors.ts";
import type { RequestContext } from "./context.ts";
import { clientRequestId, clientResponseHeaders, echoRequestId } from "./headers.ts";
import type { AbortCause } from "./http-client.ts";
import { fanOut, guarded, type ResponseConsumer } from "./observe.ts";
import { relay } from "./relay.ts";
import { createResponseReader } from "./response-reader.ts";
import { restorePlan } from "./restore-step.ts";
import { usageConsumer } from "./usage-consumer.ts";

export interface UpstreamAnswer {
  status: number;
  statusText?: string;
  headers: Headers;
  body: ReadableStream<Uint8Array> | null;
  abort: (cause: AbortCause) => void;
  release: () => void;
  /** Reads the whole body natively (the upstream Response's arrayBuffer), when available. */
  whole?: () => Promise<ArrayBuffer>;
}

/** Most bytes of a non-stream body the side reader keeps to find usage. */
const USAGE_READ_CAP = 8 * 1024 * 1024;
/** Largest known-length, non-stream answer read whole before sending. */
const WHOLE_MAX = 1024 * 1024;

function observeResponse(ctx: RequestContext, contentType: string | null, contentEncoding: string | null) {
  const { ex, deps } = ctx;
  const consumers: ResponseConsumer[] = [usageConsumer(ex, ctx.route.api, deps.pricing)];
  for (const o of deps.observers) {
    const c = guarded("observer.onResponse", deps.onObserverError, () => o.onResponse?.(ex));
    if (c) consumers.push(c);
  }
  return createResponseReader(fanOut(consumers, deps.onObserverError)!, {
    contentType,
    contentEncoding,
    maxBytes: Math.max(USAGE_READ_CAP, deps.config.telemetryMaxBodyBytes),
  });
}

/** A small JSON-like answer: read whole (bounded by the read timeout), observed, sent at once. */
async function respondWhole(
  ctx: RequestContext,
  answer: UpstreamAnswer,
  headers: Headers,
  whole: () => Promise<ArrayBuffer>,
) {
  const { ex, deps } = ctx;
  const timer = setTimeout(() => answer.abort("read_timeout"), deps.config.readTimeoutMs);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(await whole());
  } catch {
    // Nothing reached the client yet, so a cut answer can still be reported properly.
    return ctx.fail(
      ctx.req.signal.aborted
        ? proxyError("client_closed", "client closed the connection")
        : proxyError("upstream_error", "upstream answer ended before its declared length"),
    );
  } finally {
    clearTimeout(timer);
    answer.release();
  }
  ex.ttfbMs = performance.now() - ex.t0;
  ex.bytesOut = bytes.byteLength;
  const reader = observeResponse(
    ctx,
    answer.headers.get("content-type"),
    answer.headers.get("content-encoding"),
  );
  guarded("reader.push", deps.onObserverError, () => reader.push(bytes));
  guarded("reader.end", deps.onObserverError, () => reader.end());
  ctx.finish();
  return new Response(bytes, { status: answer.status, statusText: answer.statusText, headers });
}

export function respond(
  ctx: RequestContext,
  answer: UpstreamAnswer,
  transform?: TransformStream<Uint8Array, Uint8Array>,
): Response | Promise<Response> {
  const { ex, deps } = ctx;
  ex.status = answer.status;
  if (answer.status >= 500) ex.outcome = "error";
  const headers = clientResponseHeaders(answer.headers, ex.id);
  echoRequestId(headers, clientRequestId(ctx.req.headers));
  if (answer.body === null || ctx.req.method === "HEAD") {
    answer.release();
    ex.ttfbMs = performance.now() - ex.t0;
    ctx.finish();
    return new Response(null, { status: answer.status, statusText: answer.statusText, headers });
  }
  const length = Number(answer.headers.get("content-length") ?? Number.NaN);
  if (
    answer.whole &&
    !transform &&
    !ctx.restorer &&
    length <= WHOLE_MAX &&
    answer.headers.get("content-type")?.includes("event-stream") !== true
  ) {
    return respondWhole(ctx, answer, headers, answer.whole);
  }

  const reader = observeResponse(
    ctx,
    answer.headers.get("content-type"),
    answer.headers.get("content-encoding"),
  );

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
    ? restorePlan(
        ctx.restorer,
        ctx.route.api,
        {
          contentType: answer.headers.get("content-type"),
          contentEncoding: transform ? null : answer.headers.get("content-encoding"),
        },
        ex.stream,
      )
    : undefined;
  let body = transform ? stream.pipeThrough(transform) : stream;
  if (restore) {
    body = body.pipeThrough(restore.transform);
    // Restored values differ in length from their pseudonyms.
    headers.delete("content-length");
    if (restore.decoded) headers.delete("content-encoding");
  }
  return new Response(body, { status: answer.status, statusText: answer.statusText, headers });
}

const encoder = new TextEncoder();

/** An answer sluice composes itself (translated, counted locally, merged), observed like any other. */
export function respondJson(
  ctx: RequestContext,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
) {
  return respond(ctx, {
    status,
    headers: new Headers({ "content-type": "application/json", ...extra }),
    body: new Response(encoder.encode(JSON.stringify(body))).body,
    abort: () => {},
    release: () => {},
  });
}
