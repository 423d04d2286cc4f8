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
import { relay, type StreamShape } from "./relay.ts";
import { createResponseReader } from "./response-reader.ts";
import { restorePlan } from "./restore-step.ts";
import { serverTiming } from "./server-timing.ts";
import { failureMessage, passthroughFailure } from "./stream-failure.ts";
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

/**
 * `shape` rewrites the stream (the translated leg's). Without one, an event stream gets
 * passthrough's failure handling, and nothing is sent before upstream's first chunk: a stream
 * that fails before it can still get a proper 504 / 502 in the client's format.
 */
export function respond(
  ctx: RequestContext,
  answer: UpstreamAnswer,
  shape?: StreamShape,
): Response | Promise<Response> {
  const { ex } = ctx;
  if (!Number.isInteger(answer.status) || answer.status < 200 || answer.status > 599) {
    // No client can be given such a status (a final 1xx, a 600); the answer is broken, not a 500.
    answer.body?.cancel().catch(() => {});
    answer.release();
    return ctx.fail(proxyError("upstream_error", `upstream answered with status ${answer.status}`));
  }
  ex.status = answer.status;
  if (answer.status >= 500) ex.outcome = "error";
  const headers = clientResponseHeaders(answer.headers, ex.id);
  echoRequestId(headers, clientRequestId(ctx.req.headers));
  // Appended: an upstream's own Server-Timing entries stay beside sluice's.
  headers.append("server-timing", serverTiming(ex));
  if (answer.body === null || ctx.req.method === "HEAD") {
    answer.release();
    ex.ttfbMs = performance.now() - ex.t0;
    ctx.finish();
    return new Response(null, { status: answer.status, statusText: answer.statusText, headers });
  }
  const contentType = answer.headers.get("content-type");
  const eventStream = contentType?.includes("event-stream") === true;
  const length = Number(answer.headers.get("content-length") ?? Number.NaN);
  if (answer.whole && !shape && !ctx.restorer && length <= WHOLE_MAX && !eventStream) {
    return respondWhole(ctx, answer, headers, answer.whole);
  }
  if (shape?.start) return streamed(ctx, answer, headers, shape);
  // An error event can only be added to a stream the client reads as plain text.
  const plain = (answer.headers.get("content-encoding") ?? "identity") === "identity";
  const pass = eventStream && plain ? passShape(ctx) : undefined;
  return streamedAfterFirstChunk(ctx, answer, headers, shape ?? pass);
}

/** Passed-through event streams end in an error event, in the client's format, when they fail. */
function passShape(ctx: RequestContext): StreamShape {
  const host = ctx.ex.upstream;
  return {
    fail: (how, tail) =>
      passthroughFailure(
        ctx.route.api,
        "text/event-stream",
        how,
        failureMessage(how, host, ctx.deps.config.readTimeoutMs),
        tail,
      ),
  };
}

async function streamedAfterFirstChunk(
  ctx: RequestContext,
  answer: UpstreamAnswer,
  headers: Headers,
  shape: StreamShape | undefined,
): Promise<Response> {
  const wire = openRelay(ctx, answer, shape);
  const first = await wire.relay.firstChunk();
  if (first !== "ok") {
    answer.release();
    const host = ctx.ex.upstream;
    if (ctx.req.signal.aborted) return ctx.fail(proxyError("client_closed", "client closed the connection"));
    return ctx.fail(
      first === "read_timeout"
        ? proxyError(
            "upstream_timeout",
            `upstream ${host} sent its headers, then nothing within the read timeout`,
          )
        : proxyError("upstream_error", `upstream ${host} dropped the connection after its headers`),
    );
  }
  return wire.respond(headers);
}

function streamed(ctx: RequestContext, answer: UpstreamAnswer, headers: Headers, shape: StreamShape) {
  return openRelay(ctx, answer, shape).respond(headers);
}

/** The relay for an answer, observed on the side; the observers start once it is answered. */
function openRelay(ctx: RequestContext, answer: UpstreamAnswer, shape: StreamShape | undefined) {
  const { ex, deps } = ctx;
  let reader: ReturnType<typeof observeResponse> | undefined;
  const pending: Uint8Array[] = [];
  const wire = relay(answer.body as ReadableStream<Uint8Array>, {
    readTimeoutMs: deps.config.readTimeoutMs,
    abortUpstream: answer.abort,
    ...(shape ? { shape } : {}),
    onChunk: (c) => {
      ex.ttfbMs ??= performance.now() - ex.t0;
      if (!reader) pending.push(c);
      else {
        // Inline, not guarded(): this runs for every chunk of every stream.
        try {
          reader.push(c);
        } catch (err) {
          deps.onObserverError("reader.push", err);
        }
      }
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
      if (reader) guarded("reader.end", deps.onObserverError, () => reader?.end());
      ctx.finish();
    },
  });
  return {
    relay: wire,
    respond(headers: Headers): Response {
      reader = observeResponse(
        ctx,
        answer.headers.get("content-type"),
        answer.headers.get("content-encoding"),
      );
      for (const c of pending.splice(0)) guarded("reader.push", deps.onObserverError, () => reader?.push(c));
      // A shape that rewrites chunks (the translated leg) sends plain bytes.
      const rewritten = shape?.chunk !== undefined;
      const restore = ctx.restorer
        ? restorePlan(
            ctx.restorer,
            ctx.route.api,
            {
              contentType: answer.headers.get("content-type"),
              contentEncoding: rewritten ? null : answer.headers.get("content-encoding"),
            },
            ex.stream,
          )
        : undefined;
      let body = wire.stream;
      if (restore) {
        body = body.pipeThrough(restore.transform);
        // Restored values differ in length from their pseudonyms.
        headers.delete("content-length");
        if (restore.decoded) headers.delete("content-encoding");
      }
      return new Response(body, { status: answer.status, statusText: answer.statusText, headers });
    },
  };
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
