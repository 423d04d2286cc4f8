// One streamed POST /v1/messages, timed: when the first body byte came, when each SSE event
// arrived (the chunk that completed it), how many events shared a chunk with the one before,
// and how the stream ended. Used by the latency, many-streams and soak runs. Promises: never
// throws; a stream cut by the server or by our own abort signal is reported as such.
import { BASE_HEADERS, MESSAGES_PATH, messagesBody } from "./request.ts";

export type StreamEnd =
  | "complete" // message_stop arrived and the body ended
  | "truncated" // the body ended without message_stop
  | "reset" // reading failed (connection cut)
  | "aborted" // our signal fired
  | "status" // non-200 answer
  | "failed"; // no answer at all

export interface StreamResult {
  end: StreamEnd;
  status: number;
  /** ms from the call to the first body byte (NaN when none came). */
  ttfbMs: number;
  /** ms from the call to each event's arrival. */
  eventTimes: number[];
  /** SSE events received. */
  events: number;
  /** Events that arrived in the same chunk as the event before them. */
  coalesced: number;
  bytes: number;
  durationMs: number;
  error?: string;
}

export interface StreamOptions {
  url: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Keep every event time (latency runs); off keeps only counts (many streams, soak). */
  keepTimes?: boolean;
  /** false closes the connection after the response, so the server's sockets can be counted. */
  keepalive?: boolean;
}

const STOP_MARK = "message_stop";

export async function streamOnce(o: StreamOptions): Promise<StreamResult> {
  const start = performance.now();
  const r: StreamResult = {
    end: "failed",
    status: 0,
    ttfbMs: Number.NaN,
    eventTimes: [],
    events: 0,
    coalesced: 0,
    bytes: 0,
    durationMs: 0,
  };
  const finish = (end: StreamEnd, error?: string) => {
    r.end = end;
    r.durationMs = performance.now() - start;
    if (error) r.error = error;
    return r;
  };
  let res: Response;
  try {
    res = await fetch(o.url + MESSAGES_PATH, {
      method: "POST",
      headers: { ...BASE_HEADERS, ...o.headers },
      body: messagesBody(true),
      tls: { rejectUnauthorized: false },
      keepalive: o.keepalive ?? true,
      ...(o.signal ? { signal: o.signal } : {}),
    } as RequestInit);
  } catch (err) {
    return finish(o.signal?.aborted ? "aborted" : "failed", String(err));
  }
  r.status = res.status;
  if (res.status !== 200 || !res.body) {
    await res.arrayBuffer().catch(() => {});
    return finish("status");
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let tail = ""; // the end of the text seen so far, to find "\n\n" split across chunks
  let sawStop = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const now = performance.now() - start;
      if (r.bytes === 0) r.ttfbMs = now;
      r.bytes += value.byteLength;
      const text = tail + decoder.decode(value, { stream: true });
      let inChunk = 0;
      for (let i = text.indexOf("\n\n"); i !== -1; i = text.indexOf("\n\n", i + 2)) {
        if (i + 2 <= tail.length) continue; // counted with the previous chunk
        inChunk++;
        r.events++;
        if (o.keepTimes) r.eventTimes.push(now);
      }
      if (inChunk > 1) r.coalesced += inChunk - 1;
      if (!sawStop && text.includes(STOP_MARK)) sawStop = true;
      tail = text.slice(-16);
    }
  } catch (err) {
    return finish(o.signal?.aborted ? "aborted" : "reset", String(err));
  }
  return finish(sawStop ? "complete" : "truncated");
}
