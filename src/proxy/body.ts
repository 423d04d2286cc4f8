// Reads a client's request body into memory under a byte cap. The body must be whole before
// it is forwarded: it is validated, possibly rewritten, and re-sent on retries. Over the cap
// the answer is 413 before any upstream is contacted.
import { type ProxyError, proxyError } from "../errors.ts";

const EMPTY = new Uint8Array(0);

export async function readBody(req: Request, maxBytes: number): Promise<Uint8Array | ProxyError> {
  if (req.body === null) return EMPTY;
  const tooLarge = () => proxyError("payload_too_large", `request body exceeds ${maxBytes} bytes`);
  const declared = req.headers.get("content-length");
  if (declared !== null) {
    const n = Number(declared);
    if (!Number.isFinite(n) || n < 0) return proxyError("bad_request", "invalid content-length");
    if (n > maxBytes) return tooLarge();
    return new Uint8Array(await req.arrayBuffer());
  }
  // Chunked upload: count as it arrives and stop at the cap instead of buffering it all.
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return tooLarge();
    }
    chunks.push(value);
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
