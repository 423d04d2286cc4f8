// Reads a client's request body into memory under a byte cap, a stall limit and a minimum upload
// rate. The body must be whole before it is forwarded: it is validated, possibly rewritten, and
// re-sent on retries. Over the cap the answer is 413 before any upstream is contacted (a declared
// length over it is refused before a byte is read); a client that stops sending for longer than
// the grace time, or drips its body slower than the minimum rate beyond it, gets 408 in its own
// format. The same rules hold for bodies with a length and chunked ones: both are read chunk by
// chunk, so progress is seen (Bun's idle timeout is lifted while the body is read: it would close
// the socket without an answer); only small bodies with a length are read whole, under the
// deadline their length allows.
import { type ProxyError, proxyError } from "../errors.ts";

const EMPTY = new Uint8Array(0);

export interface BodyLimits {
  maxBytes: number;
  /** Longest pause between two chunks, and the time any body may take on top of the rate allowance. */
  graceMs: number;
  /** Slowest acceptable upload, in bytes per second. */
  minBytesPerSec: number;
  /** Milliseconds on a clock that never goes back (tests). Default performance.now. */
  now?: () => number;
}

/** When a body read so far is late: the time of its last chunk and how much arrived. */
export function lateness(limits: BodyLimits, started: number, lastChunk: number, total: number, now: number) {
  const stalled = now - lastChunk >= limits.graceMs;
  const slow = now - started >= limits.graceMs + (total / limits.minBytesPerSec) * 1000;
  if (stalled || slow) return 0;
  // The next moment either rule could be broken, if nothing more arrives.
  return (
    Math.min(lastChunk + limits.graceMs, started + limits.graceMs + (total / limits.minBytesPerSec) * 1000) -
    now
  );
}

/**
 * Bodies with a length up to this are read whole by Bun natively, under one deadline: the slow
 * rule's for the whole length (grace + length / rate). A stall inside such a body is then found
 * at most SMALL_BODY / minBytesPerSec later than chunk by chunk (4 s at 16 KiB/s), and the read
 * costs no JavaScript stream (about 20 µs of CPU a request).
 */
const SMALL_BODY = 64 * 1024;

export async function readBody(req: Request, limits: BodyLimits): Promise<Uint8Array | ProxyError> {
  const { maxBytes } = limits;
  const declared = req.headers.get("content-length");
  let expected: number | undefined;
  if (declared !== null) {
    expected = Number(declared);
    if (!/^\d+$/.test(declared.trim()) || !Number.isSafeInteger(expected))
      return proxyError("bad_request", "invalid content-length");
    if (expected > maxBytes) return proxyError("payload_too_large", `request body exceeds ${maxBytes} bytes`);
    // Touching req.body would make Bun build a stream for it: decide from the length alone.
    if (expected === 0) return EMPTY;
    if (expected <= SMALL_BODY) return readSmall(req, limits, expected);
  }
  if (req.body === null) return EMPTY;
  const now = limits.now ?? (() => performance.now());
  const chunks: Uint8Array[] = [];
  let total = 0;
  const started = now();
  let lastChunk = started;
  let timer: Timer | undefined;
  // One timer for both rules: when it fires it checks the clock against what arrived since, and
  // either says "late" or sleeps until the next moment a rule could be broken.
  const late = new Promise<"late">((resolve) => {
    const check = () => {
      const wait = lateness(limits, started, lastChunk, total, now());
      if (wait <= 0) resolve("late");
      else timer = setTimeout(check, Math.max(1, wait));
    };
    timer = setTimeout(check, limits.graceMs);
  });
  const reader = req.body.getReader();
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), late]);
      if (next === "late") {
        void reader.cancel().catch(() => {});
        return proxyError("request_timeout", "request body arrived too slowly or stopped");
      }
      if (next.done) break;
      total += next.value.byteLength;
      lastChunk = now();
      if (total > maxBytes) {
        void reader.cancel().catch(() => {});
        return proxyError("payload_too_large", `request body exceeds ${maxBytes} bytes`);
      }
      chunks.push(next.value);
    }
  } catch {
    return proxyError("client_closed", "client closed the connection while sending its body");
  } finally {
    clearTimeout(timer);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

async function readSmall(req: Request, limits: BodyLimits, length: number): Promise<Uint8Array | ProxyError> {
  let timer: Timer | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), limits.graceMs + (length / limits.minBytesPerSec) * 1000);
  });
  const whole = req.arrayBuffer();
  try {
    const got = await Promise.race([whole, late]);
    if (got === "late") {
      // The read ends with the connection, which the 408 closes.
      whole.catch(() => {});
      return proxyError("request_timeout", "request body arrived too slowly or stopped");
    }
    return new Uint8Array(got);
  } catch {
    return proxyError("client_closed", "client closed the connection while sending its body");
  } finally {
    clearTimeout(timer);
  }
}
