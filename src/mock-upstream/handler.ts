// Owns the contract between the server shell and the three API dialects: what a handler is
// given (parsed body, knobs, a request number for ids) and what it hands back (a JSON answer or
// a stream plan). Promises: handlers are pure functions of their context; no I/O, no timers.

import type { SseEvent } from "../sse/types.ts";
import { errorBody } from "./errors.ts";
import type { ApiFlavor, Knobs } from "./types.ts";

export interface HandlerContext {
  /** Parsed JSON body; undefined for GET/HEAD. */
  body: unknown;
  url: URL;
  headers: Headers;
  /** Path parameters: `model` and `method` for Gemini, `id` for a single model. */
  params: Record<string, string>;
  knobs: Knobs;
  /** Request number on this server, used to build stable ids. */
  seq: number;
  requestId: string;
  /** Epoch milliseconds at arrival. */
  now: number;
}

/** Events in order; framing says how they go on the wire. */
export interface StreamPlan {
  events: SseEvent[];
  /** "sse": LF-separated SSE; "sse-crlf": CRLF line ends (Gemini); "json-array": a streamed JSON array. */
  framing: "sse" | "sse-crlf" | "json-array";
}

export type MockResult =
  | { kind: "json"; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: "stream"; plan: StreamPlan; status?: number };

export type Handler = (ctx: HandlerContext) => MockResult;

export function json(body: unknown, status = 200): MockResult {
  return { kind: "json", status, body };
}

export function fail(flavor: ApiFlavor, status: number, message: string, ctx: HandlerContext): MockResult {
  return { kind: "json", status, body: errorBody(flavor, status, message, ctx.requestId) };
}

/** A stable id such as msg_mock_000042. */
export function mockId(prefix: string, seq: number): string {
  return `${prefix}mock_${String(seq).padStart(6, "0")}`;
}

/** One SSE event whose data is `payload` as JSON. */
export function sse(payload: unknown, event?: string): SseEvent {
  return event === undefined ? { data: JSON.stringify(payload) } : { event, data: JSON.stringify(payload) };
}
