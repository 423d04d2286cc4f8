// Secret scrubbing on the request path: decompresses the body under a cap, scrubs it as its bytes
// say it is (src/scrub/payload.ts: JSON, text, multipart, UTF-16/32; never by its label), and
// arranges for pseudonyms in the answer to be put back. Refuses (400 / 413 / 415) rather than
// ever forwarding an unscrubbed body silently.
// Restore isolation: with the key gate on, each key has its own vault and its answers may get
// back anything that vault holds; without it, every client shares one vault, so an answer may
// only get back the values its own request sent (the pseudonyms this request minted).
import type { Config } from "../config/types.ts";
import { type ProxyError, proxyError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { type MintedLookup, mintedFromIndex, mintedFromMap } from "../scrub/minted-index.ts";
import type { PayloadResult } from "../scrub/payload.ts";
import { PLACEHOLDER_PREFIX } from "../scrub/placeholder.ts";
import { ScrubJobError, type ScrubPool, sharedPool } from "../scrub/pool.ts";
import { createScrubber, type Scrubber } from "../scrub/scrub.ts";
import type { RequestContext } from "./context.ts";
import { canDecompress, decompress, isPlain } from "./decompress.ts";

const PREFIX = Buffer.from(PLACEHOLDER_PREFIX);

export interface ScrubStep {
  /** Scrubs ctx's body in place; sets ctx.restorer when the answer needs restoring. */
  apply(ctx: RequestContext): Promise<ProxyError | undefined>;
}

/** Bodies this large or larger are scrubbed in a worker thread (smaller ones cost under ~2 ms). */
export const OFF_THREAD_FROM = 256 * 1024;

export function hmacKeyBytes(hex: string): Uint8Array {
  if (hex !== "") return Uint8Array.from(Buffer.from(hex, "hex"));
  return crypto.getRandomValues(new Uint8Array(32));
}

export interface ScrubStepOptions {
  /** Worker threads for big bodies; false scrubs everything on the main thread. Default: shared. */
  pool?: ScrubPool | false;
  /** Bodies at least this large go to the pool. */
  offThreadFrom?: number;
}

type Scrubbed =
  | Extract<PayloadResult, { ok: false }>
  | (Omit<Extract<PayloadResult, { ok: true }>, "minted"> & {
      minted: MintedLookup;
      /** The body as it is now on this thread (a worker hands its bytes back). */
      body: Uint8Array;
    });

export function createScrubStep(
  config: Config,
  log: Logger,
  opts: ScrubStepOptions = {},
): ScrubStep | undefined {
  const { mode, maxBodyBytes, oversize, restore, maxMatches } = config.scrub;
  if (mode === "off") return undefined;
  if (mode === "pseudonymize" && config.scrub.hmacKey === "") {
    log.warn("scrub: no SLUICE_SCRUB_HMAC_KEY; pseudonyms change on restart (prompt caches then miss once)");
  }
  const key = hmacKeyBytes(config.scrub.hmacKey);
  // One vault per client key (and one shared by all clients without the gate).
  const scrubbers = new Map<string, Scrubber>();
  const scrubberFor = (client = "") => {
    let s = scrubbers.get(client);
    if (!s) {
      s = createScrubber({ mode, hmacKey: key });
      scrubbers.set(client, s);
    }
    return s;
  };
  const offThreadFrom = opts.offThreadFrom ?? OFF_THREAD_FROM;
  const pool = () => (opts.pool === undefined ? sharedPool() : opts.pool);
  let warnedBinary = false;
  let warnedWorker = false;

  /** Scrubs in a worker when the body is big, else (or when the worker fails) right here. */
  const scrub = async (ctx: RequestContext, scrubber: Scrubber, given: Uint8Array): Promise<Scrubbed> => {
    const type = ctx.req.headers.get("content-type");
    const workers = given.byteLength >= offThreadFrom ? pool() : false;
    let body = given;
    if (workers) {
      log.debug("scrub: off the event loop", { id: ctx.ex.id, bytes: body.byteLength });
      try {
        const { result: r, body: back } = await workers.run({
          mode,
          hmacKey: key,
          body,
          contentType: type,
          literals: scrubber.literals(),
          maxHits: maxMatches,
        });
        if (!r.ok) return r;
        return { ...r, minted: mintedFromIndex(r.minted), body: back };
      } catch (err) {
        // The worker hands the body back when it can; a worker that died took it along.
        if (!(err instanceof ScrubJobError) || err.body === undefined)
          return { ok: false, kind: "unavailable", message: "the scrubber failed; try again" };
        body = err.body;
        if (!warnedWorker)
          log.warn("scrub: a worker failed; scrubbing on the main thread", { error: err.message });
        warnedWorker = true;
      }
    }
    const r = scrubber.scrubPayload(body, type, maxMatches);
    if (!r.ok) return r;
    return { ...r, minted: mintedFromMap(r.minted), body };
  };

  return {
    async apply(ctx) {
      let body = ctx.body;
      if (body.byteLength === 0) return undefined;
      if (body.byteLength > maxBodyBytes) {
        if (oversize === "pass") {
          log.warn(
            "scrub: body over SLUICE_SCRUB_MAX_BODY_BYTES forwarded unscrubbed (SLUICE_SCRUB_OVERSIZE=pass)",
            { id: ctx.ex.id },
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
      const gated = ctx.deps.gate.enabled && ctx.ex.client !== undefined;
      const scrubber = scrubberFor(gated ? ctx.ex.client : "");
      const result = await scrub(ctx, scrubber, body);
      if (!result.ok) return proxyError(result.kind, result.message);
      // The key's vault restores later answers too; without the gate only this request's map does.
      if (gated) scrubber.remember(result.minted);
      if (result.binary.length > 0 && !warnedBinary) {
        warnedBinary = true;
        log.info("scrub: media request bodies and file parts (images, audio, archives) pass as they are", {
          formats: result.binary.join(","),
        });
      }
      const hits = Object.values(result.hits).reduce((a, b) => a + b, 0);
      if (hits > 0) ctx.ex.scrubHits = result.hits;
      ctx.setBody(result.bytes ?? result.body);
      // A gated client may also quote a placeholder its vault made earlier (it is in its vault).
      const sent = result.body;
      const quotes = gated && Buffer.from(sent.buffer, sent.byteOffset, sent.byteLength).includes(PREFIX);
      if ((hits > 0 || quotes) && restore && mode === "pseudonymize")
        ctx.restorer = scrubber.restorerFor(result.minted, { vault: gated });
      return undefined;
    },
  };
}
