// Owns telling what a request body (or one part of a multipart body) really is, from its bytes:
// real media (by magic number), text in a wide Unicode encoding (byte-order mark or the pattern
// of zero bytes ASCII leaves in UTF-16/32), or UTF-8. Labels only add to what the bytes say: a
// charset the scrubber cannot read is refused, and a label never makes text count as binary.
// Pure; also the codecs that turn wide text back into its own bytes after scrubbing.

/** Formats whose bytes pass unscrubbed: compressed media and containers, never plain text. */
const MAGIC: readonly [format: string, at: number, bytes: readonly number[]][] = [
  ["png", 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ["jpeg", 0, [0xff, 0xd8, 0xff]],
  ["gif", 0, [0x47, 0x49, 0x46, 0x38]],
  ["webp", 8, [0x57, 0x45, 0x42, 0x50]], // RIFF....WEBP
  ["wav", 8, [0x57, 0x41, 0x56, 0x45]], // RIFF....WAVE
  ["pdf", 0, [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ["mp3", 0, [0x49, 0x44, 0x33]], // ID3 tag
  ["ogg", 0, [0x4f, 0x67, 0x67, 0x53]],
  ["flac", 0, [0x66, 0x4c, 0x61, 0x43]],
  ["mp4", 4, [0x66, 0x74, 0x79, 0x70]], // ....ftyp: mp4, m4a, mov, heic, avif
  ["webm", 0, [0x1a, 0x45, 0xdf, 0xa3]],
  ["zip", 0, [0x50, 0x4b, 0x03, 0x04]], // also docx, xlsx, pptx
  ["gzip", 0, [0x1f, 0x8b, 0x08]],
  ["tiff", 0, [0x49, 0x49, 0x2a, 0x00]],
  ["tiff", 0, [0x4d, 0x4d, 0x00, 0x2a]],
];
const RIFF = [0x52, 0x49, 0x46, 0x46];

function startsWith(bytes: Uint8Array, at: number, magic: readonly number[]): boolean {
  if (bytes.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[at + i] !== magic[i]) return false;
  return true;
}

/**
 * The media format the bytes start with, or undefined. MP3 frames without a tag count too.
 * Several magic numbers are printable ASCII ("ID3", "%PDF-", "OggS"): callers treat a match as
 * media only when the bytes are not valid UTF-8, so text that merely starts like one is scrubbed.
 */
export function mediaFormat(bytes: Uint8Array): string | undefined {
  for (const [format, at, magic] of MAGIC) {
    if (at === 8 && !startsWith(bytes, 0, RIFF)) continue;
    if (startsWith(bytes, at, magic)) return format;
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && (bytes[1]! & 0xe6) === 0xe2) return "mp3";
  return undefined;
}

export type WideEncoding = "utf-16le" | "utf-16be" | "utf-32le" | "utf-32be";

export interface Wide {
  encoding: WideEncoding;
  /** Bytes of byte-order mark at the start (kept when the text is written back). */
  bom: number;
}

/** Zero bytes per position modulo 4 in the first 1 KiB, and how many of each position there are. */
function zeroProfile(bytes: Uint8Array): { zeros: number[]; per: number } {
  const n = Math.min(bytes.length, 1024) & ~3;
  const zeros = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) if (bytes[i] === 0) zeros[i & 3]!++;
  return { zeros, per: n / 4 };
}

/**
 * The wide encoding the bytes are in, by BOM or by where ASCII leaves its zero bytes. A label
 * alone never decides it: bytes labelled UTF-16 that do not look it may be read as UTF-8 by
 * upstream, so the caller refuses them rather than scrubbing the wrong reading.
 */
export function wideEncoding(bytes: Uint8Array): Wide | undefined {
  const b = bytes;
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return { encoding: "utf-32le", bom: 4 };
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return { encoding: "utf-32be", bom: 4 };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: "utf-16le", bom: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: "utf-16be", bom: 2 };
  const { zeros, per } = zeroProfile(bytes);
  if (per >= 1) {
    const high = (i: number) => zeros[i]! >= 0.7 * per;
    const low = (i: number) => zeros[i]! <= 0.1 * per;
    if (high(1) && high(2) && high(3) && low(0)) return { encoding: "utf-32le", bom: 0 };
    if (high(0) && high(1) && high(2) && low(3)) return { encoding: "utf-32be", bom: 0 };
    if (high(1) && high(3) && low(0) && low(2)) return { encoding: "utf-16le", bom: 0 };
    if (high(0) && high(2) && low(1) && low(3)) return { encoding: "utf-16be", bom: 0 };
  }
  return undefined;
}

/** The charset parameter of a Content-Type, lower case and unquoted, or undefined. */
export function charsetOf(contentType: string | null | undefined): string | undefined {
  if (!contentType) return undefined;
  const m = /;\s*charset\s*=\s*("?)([^";,\s]*)\1/i.exec(contentType);
  return m?.[2] ? m[2].toLowerCase() : undefined;
}

const READABLE = new Set(["utf-8", "utf8", "us-ascii", "ascii", "utf-16", "utf-16le", "utf-16be"]);

/** True when sluice can read text under this charset label (UTF-8 and the wide encodings). */
export function readableCharset(label: string | undefined): boolean {
  return label === undefined || READABLE.has(label) || label.startsWith("utf-32");
}

/** Decodes wide text; undefined when the bytes are not valid in that encoding. */
export function decodeWide(bytes: Uint8Array, wide: Wide): string | undefined {
  const body = bytes.subarray(wide.bom);
  if (wide.encoding.startsWith("utf-16")) {
    if (body.length % 2 !== 0) return undefined;
    try {
      return new TextDecoder(wide.encoding, { fatal: true, ignoreBOM: true }).decode(body);
    } catch {
      return undefined;
    }
  }
  if (body.length % 4 !== 0) return undefined;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const little = wide.encoding === "utf-32le";
  const parts: string[] = [];
  for (let i = 0; i < body.length; i += 4) {
    const cp = view.getUint32(i, little);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
    parts.push(String.fromCodePoint(cp));
  }
  return parts.join("");
}

/** `text` in the wide encoding, with the BOM the original had. */
export function encodeWide(text: string, wide: Wide): Uint8Array {
  const bom = wide.bom > 0 ? "\ufeff" : "";
  const full = bom + text;
  if (wide.encoding.startsWith("utf-16")) {
    const out = Buffer.from(full, "utf16le");
    if (wide.encoding === "utf-16be") out.swap16();
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
  const cps = Array.from(full, (c) => c.codePointAt(0)!);
  const out = new Uint8Array(cps.length * 4);
  const view = new DataView(out.buffer);
  cps.forEach((cp, i) => {
    view.setUint32(i * 4, cp, wide.encoding === "utf-32le");
  });
  return out;
}
