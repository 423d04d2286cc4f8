// Owns turning a handler's answer into a Response under the knobs that shape delivery: body
// padding (x-mock-body-bytes), gzip (x-mock-gzip), a cut connection (x-mock-reset-after), the
// in-stream error (x-mock-stream-error) and the gap between events (x-mock-gap-ms).
// Promises: headers always agree with the bytes (content-encoding only when gzipped) and
// onEnd reports whether the client left before the body was delivered.

import { streamErrorEvent } from "./errors.ts";
import type { StreamPlan } from "./handler.ts";
import { frame, gzipFlushing, paced, type StreamOutcome } from "./stream.ts";
import { isRecord } from "./tools.ts";
import type { ApiFlavor, Knobs } from "./types.ts";

/** Length of `,"mock_padding":""`, the overhead of the padding field itself. */
const PADDING_OVERHEAD = 18;

export interface Delivery {
  status: number;
  headers: Headers;
  knobs: Knobs;
  signal: AbortSignal;
  onEnd(outcome: StreamOutcome): void;
}

/** Adds a `mock_padding` string so the JSON text is about `bytes` long (never shortens). */
export function padBody(body: unknown, bytes: number | undefined): string {
  const text = JSON.stringify(body);
  if (bytes === undefined || !isRecord(body) || bytes <= text.length + PADDING_OVERHEAD) return text;
  const padding = "x".repeat(bytes - text.length - PADDING_OVERHEAD);
  return `${text.slice(0, -1)}${text.length > 2 ? "," : ""}"mock_padding":"${padding}"}`;
}

export function jsonResponse(body: unknown, d: Delivery): Response {
  d.headers.set("content-type", "application/json");
  let bytes: Uint8Array<ArrayBuffer> = new TextEncoder().encode(padBody(body, d.knobs.bodyBytes));
  if (d.knobs.gzip) {
    bytes = Bun.gzipSync(bytes);
    d.headers.set("content-encoding", "gzip");
  }
  if (d.knobs.resetAfter === undefined) {
    d.onEnd("complete");
    return new Response(bytes, { status: d.status, headers: d.headers });
  }
  // A non-stream body is one event: 0 cuts before any byte, more sends half the body, then cuts.
  const half = bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2)));
  const resetAfter = d.knobs.resetAfter === 0 ? 0 : 1;
  const body$ = paced([half], "", { gapMs: 0, resetAfter, signal: d.signal, onEnd: d.onEnd });
  return new Response(body$, { status: d.status, headers: d.headers });
}

export function streamResponse(plan: StreamPlan, flavor: ApiFlavor, d: Delivery): Response {
  const { frames, trailer } = frame(plan, streamErrorEvent(flavor), d.knobs.streamErrorAfter);
  const opts = { gapMs: d.knobs.gapMs, resetAfter: d.knobs.resetAfter, signal: d.signal, onEnd: d.onEnd };
  let body = paced(frames, trailer, opts);
  d.headers.set(
    "content-type",
    plan.framing === "json-array" ? "application/json" : "text/event-stream; charset=utf-8",
  );
  d.headers.set("cache-control", "no-cache");
  if (d.knobs.gzip) {
    body = body.pipeThrough(gzipFlushing());
    d.headers.set("content-encoding", "gzip");
  }
  return new Response(body, { status: d.status, headers: d.headers });
}
