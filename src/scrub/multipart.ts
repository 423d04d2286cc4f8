// Owns cutting a multipart body (RFC 2046 / RFC 7578 form-data uploads) into its parts by the
// boundary its Content-Type names, and putting it back together with some parts replaced. Pure.
// Promises: put back with no replacement, the bytes are the same; a body that does not parse
// (no opening or closing delimiter, a part without its header block) is undefined, so the caller
// scrubs it whole instead of trusting a half-understood structure.

export interface Part {
  /** Raw header block of the part (latin1), without the blank line. */
  headers: string;
  bodyStart: number;
  bodyEnd: number;
}

export interface Multipart {
  parts: Part[];
  /** Bytes before the first delimiter and after the closing one (ignored by parsers). */
  preambleEnd: number;
  epilogueStart: number;
}

/** The boundary of a multipart Content-Type, or undefined. */
export function boundaryOf(contentType: string | null | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]{1,200})"|([^;,\s]{1,200}))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");

export function splitMultipart(bytes: Uint8Array, boundary: string): Multipart | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dash = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let pos = buf.subarray(0, dash.length).equals(dash) ? 0 : buf.indexOf(delimiter);
  if (pos < 0) return undefined;
  const preambleEnd = pos;
  if (pos > 0) pos += 2;
  const parts: Part[] = [];
  for (;;) {
    const after = pos + dash.length;
    if (buf[after] === 45 && buf[after + 1] === 45) {
      return parts.length > 0 ? { parts, preambleEnd, epilogueStart: after + 2 } : undefined;
    }
    const lineEnd = buf.indexOf(CRLF, after);
    // Only transport padding (spaces, tabs) may follow a delimiter on its line.
    if (lineEnd < 0 || !/^[ \t]*$/.test(buf.toString("latin1", after, lineEnd))) return undefined;
    const start = lineEnd + 2;
    const next = buf.indexOf(delimiter, start);
    if (next < 0) return undefined;
    let bodyStart: number;
    let headers = "";
    if (buf[start] === 13 && buf[start + 1] === 10) bodyStart = start + 2;
    else {
      const end = buf.indexOf(HEADER_END, start);
      if (end < 0 || end > next) return undefined;
      headers = buf.toString("latin1", start, end);
      bodyStart = end + 4;
    }
    parts.push({ headers, bodyStart, bodyEnd: next });
    pos = next + 2;
  }
}

/** A header of a part, by name (case-insensitive), or undefined. */
export function partHeader(part: Part, name: string): string | undefined {
  for (const line of part.headers.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return undefined;
}

/** `bytes` with the given ranges replaced (sorted, non-overlapping). */
export function spliceBytes(
  bytes: Uint8Array,
  replaced: readonly { start: number; end: number; bytes: Uint8Array }[],
) {
  if (replaced.length === 0) return bytes;
  const pieces: Uint8Array[] = [];
  let pos = 0;
  for (const r of replaced) {
    pieces.push(bytes.subarray(pos, r.start), r.bytes);
    pos = r.end;
  }
  pieces.push(bytes.subarray(pos));
  return new Uint8Array(Buffer.concat(pieces));
}
