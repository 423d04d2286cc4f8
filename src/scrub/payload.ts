// Owns scrubbing a whole request body, bytes in, bytes out, whatever it is labelled. Pure (runs on
// the main thread and in scrub workers alike). The body's own bytes decide how it is read:
// - real media (magic number, and not valid UTF-8) passes as it is;
// - UTF-16 / UTF-32 (BOM or zero-byte pattern) is decoded, scrubbed and written back in its own
//   encoding; a charset label sluice cannot read (anything but UTF-8, US-ASCII, UTF-16/32) is
//   refused, as is a wide label on bytes that are not wide text;
// - multipart bodies (by their Content-Type boundary) are scrubbed part by part the same way,
//   so text fields and text files are scrubbed and image, audio and archive files pass;
// - text that parses as JSON is scrubbed as JSON (content strings, every duplicate key's copy),
//   JSON Lines line by line when escapes could hide a secret, anything else as plain text;
// - bytes that are not UTF-8 and not media are scrubbed as bytes: matches are replaced in place,
//   every other byte is kept; if the same bytes read as UTF-16 hold a secret, they are refused.
// Refusals: 415 (unreadable encoding), 400 (JSON nested too deeply), 413 (too many secrets).

import type { ErrorKind } from "../errors.ts";
import { MAX_JSON_DEPTH, parseTree } from "../json/tree.ts";
import type { Engine, ScrubOptions } from "./engine.ts";
import { boundaryOf, partHeader, spliceBytes, splitMultipart } from "./multipart.ts";
import { mayHideAscii } from "./scan.ts";
import { charsetOf, decodeWide, encodeWide, mediaFormat, readableCharset, wideEncoding } from "./sniff.ts";

export type PayloadResult =
  | {
      ok: true;
      /** The scrubbed body, or undefined when it is unchanged. */
      bytes: Uint8Array | undefined;
      hits: Record<string, number>;
      minted: Map<string, string>;
      /** Media formats passed unscrubbed (for one log line). */
      binary: string[];
    }
  | { ok: false; kind: ErrorKind; message: string };

class Refusal extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
  }
}

interface Acc {
  engine: Engine;
  opts: ScrubOptions;
  total: number;
  hits: Record<string, number>;
  minted: Map<string, string>;
  binary: string[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lossy = new TextDecoder("utf-8", { ignoreBOM: true });
const encoder = new TextEncoder();
const WIDE_LABEL = /^utf-(16|32)/;

export function scrubPayload(
  engine: Engine,
  body: Uint8Array,
  contentType: string | null,
  opts: ScrubOptions = {},
): PayloadResult {
  const acc: Acc = { engine, opts, total: 0, hits: {}, minted: new Map(), binary: [] };
  try {
    const bytes = scrubBytes(body, contentType, acc, true);
    return { ok: true, bytes, hits: acc.hits, minted: acc.minted, binary: acc.binary };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, kind: err.kind, message: err.message };
    throw err;
  }
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function scrubBytes(bytes: Uint8Array, contentType: string | null, acc: Acc, top: boolean) {
  if (bytes.byteLength === 0) return undefined;
  const charset = charsetOf(contentType);
  if (!readableCharset(charset))
    throw new Refusal("unsupported_media_type", `cannot scrub text in charset ${charset}; send UTF-8`);
  const boundary = top ? boundaryOf(contentType) : undefined;
  if (boundary !== undefined) {
    const out = scrubMultipart(bytes, boundary, acc);
    if (out !== false) return out;
  }
  const text = decodeUtf8(bytes);
  const media = text === undefined ? mediaFormat(bytes) : undefined;
  if (media !== undefined) {
    acc.binary.push(media);
    return undefined;
  }
  const wide = wideEncoding(bytes);
  if (wide !== undefined) {
    const decoded = decodeWide(bytes, wide);
    if (decoded === undefined)
      throw new Refusal("unsupported_media_type", `the body is not valid ${wide.encoding.toUpperCase()}`);
    const out = scrubText(decoded, acc);
    return out === undefined ? undefined : encodeWide(out, wide);
  }
  if (charset !== undefined && WIDE_LABEL.test(charset))
    throw new Refusal("unsupported_media_type", `the body is labelled ${charset} but is not; send UTF-8`);
  if (text !== undefined) {
    const out = scrubText(text, acc);
    return out === undefined ? undefined : encoder.encode(out);
  }
  // Not UTF-8. JSON with a stray byte is still JSON to many parsers (they substitute U+FFFD).
  const repaired = lossy.decode(bytes);
  if (parseTree(repaired).ok) {
    const out = scrubText(repaired, acc);
    return out === undefined ? undefined : encoder.encode(out);
  }
  return scrubRaw(bytes, acc);
}

/** The parts scrubbed one by one; false when the body does not parse as multipart. */
function scrubMultipart(bytes: Uint8Array, boundary: string, acc: Acc): Uint8Array | undefined | false {
  const mp = splitMultipart(bytes, boundary);
  if (mp === undefined) return false;
  const replaced: { start: number; end: number; bytes: Uint8Array }[] = [];
  const range = (start: number, end: number, out: Uint8Array | undefined) => {
    if (out !== undefined) replaced.push({ start, end, bytes: out });
  };
  range(0, mp.preambleEnd, scrubRaw(bytes.subarray(0, mp.preambleEnd), acc));
  for (const part of mp.parts) {
    const cte = partHeader(part, "content-transfer-encoding")?.toLowerCase();
    if (cte !== undefined && !["7bit", "8bit", "binary"].includes(cte))
      throw new Refusal(
        "unsupported_media_type",
        `cannot scrub a multipart part in ${cte} transfer encoding`,
      );
    const body = bytes.subarray(part.bodyStart, part.bodyEnd);
    range(
      part.bodyStart,
      part.bodyEnd,
      scrubBytes(body, partHeader(part, "content-type") ?? null, acc, false),
    );
  }
  range(mp.epilogueStart, bytes.length, scrubRaw(bytes.subarray(mp.epilogueStart), acc));
  return replaced.length === 0 ? undefined : spliceBytes(bytes, replaced);
}

function count(acc: Acc, r: { hits: Record<string, number>; minted: Map<string, string> }): void {
  for (const [kind, n] of Object.entries(r.hits)) {
    acc.hits[kind] = (acc.hits[kind] ?? 0) + n;
    acc.total += n;
  }
  for (const [p, v] of r.minted) acc.minted.set(p, v);
}

function remaining(acc: Acc): ScrubOptions {
  const max = acc.opts.maxHits;
  return max === undefined ? acc.opts : { ...acc.opts, maxHits: max - acc.total };
}

function tooMany(acc: Acc, hits: number): Refusal {
  return new Refusal(
    "payload_too_large",
    `the body holds more than ${acc.opts.maxHits} secrets to scrub (${acc.total + hits} found so far)`,
  );
}

/** Scrubs decoded text: as JSON, JSON Lines or plain text. Undefined when unchanged. */
function scrubText(text: string, acc: Acc): string | undefined {
  const r = acc.engine.scrubJson(text, remaining(acc));
  if ("tooManyHits" in r) throw tooMany(acc, r.tooManyHits);
  if ("error" in r) {
    if (r.tooDeep) throw new Refusal("bad_request", `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    return mayHideAscii(text) && text.includes("\n") ? scrubLines(text, acc) : scrubPlain(text, acc);
  }
  count(acc, r);
  return r.changed ? r.text : undefined;
}

function scrubPlain(text: string, acc: Acc): string | undefined {
  const r = acc.engine.scrubText(text, remaining(acc));
  if ("tooManyHits" in r) throw tooMany(acc, r.tooManyHits);
  count(acc, r);
  return r.changed ? r.text : undefined;
}

/** JSON Lines (every non-blank line a JSON value), line by line; otherwise plain text. */
function scrubLines(text: string, acc: Acc): string | undefined {
  const lines = text.split("\n");
  if (!lines.every((l) => l.trim() === "" || parseTree(l).ok)) return scrubPlain(text, acc);
  let changed = false;
  const out = lines.map((line) => {
    if (line.trim() === "") return line;
    const next = scrubText(line, acc);
    if (next === undefined) return line;
    changed = true;
    return next;
  });
  return changed ? out.join("\n") : undefined;
}

/**
 * Bytes that are neither UTF-8 nor media, read one byte per character so that replacing a match
 * keeps every other byte. Secrets written as UTF-16 would hide from that reading: refuse those.
 */
function scrubRaw(bytes: Uint8Array, acc: Acc): Uint8Array | undefined {
  if (bytes.byteLength === 0) return undefined;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const enc of ["utf-16le", "utf-16be"] as const) {
    const view = new TextDecoder(enc).decode(bytes);
    const probe = acc.engine.scrubText(view, { ...acc.opts, maxHits: 0 });
    if ("tooManyHits" in probe || probe.changed)
      throw new Refusal("unsupported_media_type", "the body holds UTF-16 text among other bytes; send UTF-8");
  }
  const out = scrubPlain(buf.toString("latin1"), acc);
  return out === undefined ? undefined : new Uint8Array(Buffer.from(out, "latin1"));
}
