// The content encodings sluice can read (request bodies to scrub, answers to read usage from),
// decompressed in one go under an output cap.
import { brotliDecompressSync, gunzipSync, inflateSync, zstdDecompressSync } from "node:zlib";

type Inflate = (bytes: Uint8Array, opts: { maxOutputLength: number }) => Uint8Array;

const DECODERS: Record<string, Inflate> = {
  gzip: gunzipSync,
  "x-gzip": gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
  zstd: zstdDecompressSync,
};

/** True for "", "identity" or a missing header: the bytes are plain. */
export function isPlain(encoding: string | null | undefined): boolean {
  const e = encoding?.trim().toLowerCase();
  return e === undefined || e === "" || e === "identity";
}

export function canDecompress(encoding: string): boolean {
  return encoding.trim().toLowerCase() in DECODERS;
}

/** The plain bytes, or undefined when the encoding is unknown, the data corrupt, or larger than maxBytes. */
export function decompress(encoding: string, bytes: Uint8Array, maxBytes: number): Uint8Array | undefined {
  const inflate = DECODERS[encoding.trim().toLowerCase()];
  if (!inflate) return undefined;
  try {
    return inflate(bytes, { maxOutputLength: maxBytes });
  } catch {
    return undefined;
  }
}
