// Reads a client's request body into memory under a byte cap and a minimum upload rate.
// The body must be whole before it is forwarded: it is validated, possibly rewritten, and
// re-sent on retries. Over the cap the answer is 413 before any upstream is contacted; a
// client dripping its body slower than the minimum rate gets 408 (slowloris guard).
import { type ProxyError, proxyError } from "../errors.ts";

const EMPTY = new Uint8Array(0);

export interface BodyLimits {
  maxBytes: number;
  /** Time any body may take, on top of the rate allowance. */
  graceMs: number;
  /** Slowest acceptable upload, in bytes per second. */
  minBytesPerSec: number;
}

export async function readBody(req: Request, limits: BodyLimits): Promise<Uint8Array | ProxyError> {
  if (req.body === null) return EMPTY;
  const { maxBytes } = limits;
  const tooLarge = () => proxyError("payload_too_large", `request body exceeds ${maxBytes} bytes`);
  const tooSlow = () => proxyError("request_timeout", "request body arrived too slowly");
  const allowance = (bytes: number) => limits.graceMs + (bytes / limits.minBytesPerSec) * 1000;
  const t0 = performance.now();
  const declared = req.headers.get("content-length");
  let expected = 0;
  if (declared !== null) {
    expected = Number(declared);
    if (!Number.isSafeInteger(expected) || expected < 0)
      return proxyError("bad_request", "invalid content-length");
    if (expected > maxBytes) return tooLarge();
  }

  let timer: Timer | undefined;
  const deadline = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), allowance(Math.max(expected, limits.minBytesPerSec)));
  });
  if (declared !== null) {
    // Known length (the usual case): Bun reads it natively, several times cheaper than a
    // reader loop; the deadline still cuts a client that drips it.
    try {
      const whole = await Promise.race([req.arrayBuffer(), deadline]);
      return whole === "late" ? tooSlow() : new Uint8Array(whole);
    } finally {
      clearTimeout(timer);
    }
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = req.body.getReader();
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), deadline]);
      if (next === "late" || performance.now() - t0 > allowance(total)) {
        await reader.cancel().catch(() => {});
        return tooSlow();
      }
      if (next.done) break;
      total += next.value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        return tooLarge();
      }
      chunks.push(next.value);
    }
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
