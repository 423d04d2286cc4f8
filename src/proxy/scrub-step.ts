// Secret scrubbing on the request path: decompresses the body under a cap, replaces secrets
// in JSON string values (or plain text), and arranges for pseudonyms in the answer to be put
// back. Refuses (413 / 415) rather than ever forwarding an unscrubbed body silently.
import type { Config } from "../config/types.ts";
import { type ProxyError, proxyError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { createScrubber, type Scrubber } from "../scrub/scrub.ts";
import type { RequestContext } from "./context.ts";
import { canDecompress, decompress, isPlain } from "./decompress.ts";

export interface ScrubStep {
  /** Scrubs ctx's body in place; sets ctx.restore when the answer needs restoring. */
  apply(ctx: RequestContext): ProxyError | undefined;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const TEXTUAL = /^(application\/(json|x-www-form-urlencoded|x-ndjson|[\w.+-]+\+json)|text\/)/i;

export function hmacKeyBytes(hex: string): Uint8Array {
  if (hex !== "") return Uint8Array.from(Buffer.from(hex, "hex"));
  return crypto.getRandomValues(new Uint8Array(32));
}

export function createScrubStep(config: Config, log: Logger): ScrubStep | undefined {
  const { mode, maxBodyBytes, oversize, restore } = config.scrub;
  if (mode === "off") return undefined;
  if (mode === "pseudonymize" && config.scrub.hmacKey === "") {
    log.warn("scrub: no SLUICE_SCRUB_HMAC_KEY; pseudonyms change on restart (prompt caches then miss once)");
  }
  const key = hmacKeyBytes(config.scrub.hmacKey);
  // One vault per client key: a client can only ever get its own values restored.
  const scrubbers = new Map<string, Scrubber>();
  const scrubberFor = (client = "") => {
    let s = scrubbers.get(client);
    if (!s) {
      s = createScrubber({ mode, hmacKey: key });
      scrubbers.set(client, s);
    }
    return s;
  };
  let warnedBinary = false;

  return {
    apply(ctx) {
      let body = ctx.body;
      if (body.byteLength === 0) return undefined;
      if (body.byteLength > maxBodyBytes) {
        if (oversize === "pass") {
          log.warn(
            "scrub: body over SLUICE_SCRUB_MAX_BODY_BYTES forwarded unscrubbed (SLUICE_SCRUB_OVERSIZE=pass)",
            {
              id: ctx.ex.id,
            },
          );
          return undefined;
        }
        return proxyError("payload_too_large", `body exceeds ${maxBodyBytes} bytes, the most sluice scrubs`);
      }
      const encoding = ctx.req.headers.get("content-encoding");
      if (!isPlain(encoding) && encoding !== null) {
        if (!canDecompress(encoding))
          return proxyError("unsupported_media_type", `cannot scrub a ${encoding}-encoded body`);
        const plain = decompress(encoding, body, maxBodyBytes);
        if (!plain) {
          return proxyError(
            "unsupported_media_type",
            `the ${encoding} body is corrupt or inflates past ${maxBodyBytes} bytes`,
          );
        }
        body = plain;
        ctx.contentEncoding = null;
      }
      const type = ctx.req.headers.get("content-type") ?? "application/json";
      const scrubber = scrubberFor(ctx.ex.client);
      const text = decoder.decode(body);
      let result = TEXTUAL.test(type) ? scrubber.scrubBody(text) : undefined;
      if (result && "error" in result) result = scrubber.scrubText(text);
      if (!result) {
        if (!warnedBinary)
          log.info("scrub: binary request bodies (uploads) are forwarded as they are", { type });
        warnedBinary = true;
        if (body !== ctx.body) ctx.setBody(body);
        return undefined;
      }
      const hits = Object.values(result.hits).reduce((a, b) => a + b, 0);
      if (hits > 0) ctx.ex.scrubHits = result.hits;
      if (result.changed) ctx.setBody(encoder.encode(result.text));
      else if (body !== ctx.body) ctx.setBody(body);
      if (hits > 0 && restore && mode === "pseudonymize") ctx.restorer = scrubber;
      return undefined;
    },
  };
}

/** Largest JSON answer held to restore placeholders in it (inline images make answers big). */
export const WHOLE_RESTORE_CAP = 32 * 1024 * 1024;

/**
 * The response transform that puts real values back, by content type; undefined = none.
 * `streamed`: the request asked for a stream (Gemini's streamGenerateContent answers a JSON
 * array over time without alt=sse, restored element by element rather than whole).
 */
export function restoreTransform(
  scrubber: Scrubber,
  api: "anthropic" | "openai" | "gemini",
  contentType: string | null,
  streamed = false,
  cap = WHOLE_RESTORE_CAP,
): TransformStream<Uint8Array, Uint8Array> | undefined {
  if (contentType?.includes("text/event-stream")) return scrubber.sseRestoreTransform(api);
  if (!contentType?.includes("json")) return undefined;
  if (streamed && api === "gemini") return scrubber.jsonArrayRestoreTransform();
  // A JSON answer is restored whole: placeholders may sit anywhere in it. Up to a cap: beyond it
  // the answer passes on as it came (placeholders, never secrets, reach the client), so one huge
  // answer cannot hold unbounded memory.
  const parts: Uint8Array[] = [];
  let held = 0;
  let overflowed = false;
  return new TransformStream({
    transform(chunk, out) {
      if (overflowed) return out.enqueue(chunk);
      parts.push(chunk);
      held += chunk.byteLength;
      if (held <= cap) return;
      overflowed = true;
      for (const p of parts.splice(0)) out.enqueue(p);
    },
    flush(out) {
      if (overflowed) return;
      const text = decoder.decode(Buffer.concat(parts));
      out.enqueue(encoder.encode(scrubber.restoreJsonBody(text)));
    },
  });
}
