// Owns cutting an SSE byte stream into lines and event blocks without changing a byte, for
// transforms that must rewrite some events and pass everything else on exactly as it came.
// Promises:
// - every byte pushed comes out again exactly once, in order, in the frames' `bytes`/`lines`;
// - events are decoded as SseDecoder decodes them (WHATWG rules; CRLF, CR and LF line ends; a
//   leading BOM skipped), whatever the chunking;
// - what cannot belong to an event comes out at once: comment lines and blank lines between
//   events (even a comment line still arriving: its bytes are passed on as they come), the LF of
//   a CRLF split across chunks when its CR already went out;
// - memory is bounded: a block that outgrows `maxBlockBytes` comes out as "oversized" and the
//   rest of it, up to its blank line, as raw bytes while they arrive (never decoded, never dropped).

import type { SseEvent } from "./types.ts";

export interface SseLine {
  /** The line as received, terminator included ("" terminator only for a last line at the end). */
  bytes: Uint8Array;
  /** Where the field name starts: 3 after a leading BOM, else 0. */
  start: number;
  /** Where the terminator starts. */
  end: number;
  /** "data", "event", "id", "retry", "other" (any other field), or "" for a comment or a blank line. */
  field: string;
}

export type SseFrame =
  /** Bytes that go out as they are: comments and blank lines between events, blocks without data. */
  | { kind: "raw"; bytes: Uint8Array }
  /** A complete block with data, its lines in order, the blank line that ended it included. */
  | { kind: "event"; event: SseEvent; lines: SseLine[] }
  /** The first bytes of a block too large to hold; the rest follows as raw frames. */
  | { kind: "oversized"; bytes: Uint8Array };

const CR = 13;
const LF = 10;
const COLON = 58;
const LF_BYTES = new Uint8Array([LF]);
const EMPTY = Buffer.alloc(0);

const FIELDS = ["data", "event", "id", "retry"].map((name) => ({ name, bytes: Buffer.from(name) }));

/** The field name when it is one of the four SSE fields (compared as bytes), else "other". */
function fieldName(line: Uint8Array, start: number, end: number): string {
  for (const { name, bytes } of FIELDS) {
    if (end - start !== bytes.byteLength || line[start] !== bytes[0]) continue;
    let i = 1;
    while (i < bytes.byteLength && line[start + i] === bytes[i]) i++;
    if (i === bytes.byteLength) return name;
  }
  return "other";
}

const BOM = [0xef, 0xbb, 0xbf];
const isBom = (b: Uint8Array) => b[0] === BOM[0] && b[1] === BOM[1] && b[2] === BOM[2];

export class SseFramer {
  readonly #max: number;
  #out: SseFrame[] = [];
  /** Pieces of the line still arriving (copies), unless it is being passed on raw. */
  #line: Buffer[] = [];
  #lineBytes = 0;
  /** The current line's bytes so far already went out raw. */
  #lineRaw = false;
  /** No byte seen yet: the first line may open with a BOM. */
  #atStart = true;
  /** The last chunk ended in a CR: an LF opening the next one completes that CRLF. */
  #crAtEnd = false;
  /** Passing an oversized block on raw until its blank line. */
  #passing = false;
  // The block being assembled: held lines and the event decoded so far.
  #block: SseLine[] = [];
  #blockBytes = 0;
  #data: string[] = [];
  #event = "";
  #id: string | undefined;
  #retry: number | undefined;
  /** The line ending most recently seen; inserted events use it. */
  eol = "\n";
  /** After finish: the last line had no terminator / a block was left without its blank line. */
  endedMidLine = false;
  endedInBlock = false;

  constructor(maxBlockBytes: number) {
    this.#max = maxBlockBytes;
  }

  push(input: Uint8Array): SseFrame[] {
    // A Buffer view, for its cheap utf8 slices.
    const chunk = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const n = chunk.byteLength;
    let pos = 0;
    if (this.#crAtEnd && n > 0) {
      this.#crAtEnd = false;
      if (chunk[0] === LF) {
        pos = 1;
        this.eol = "\r\n";
        // The LF goes where its CR went: into the block if the line is held there, else out.
        if (this.#block.length > 0) this.#extendLastHeldLine();
        else this.#raw(LF_BYTES);
      }
    }
    let cr = chunk.indexOf(CR, pos);
    let lf = chunk.indexOf(LF, pos);
    while (cr !== -1 || lf !== -1) {
      const end = cr === -1 ? lf! : lf === -1 ? cr : Math.min(cr, lf);
      let stop = end + 1;
      if (chunk[end] === CR) {
        if (end + 1 < n) stop = chunk[end + 1] === LF ? end + 2 : end + 1;
        else this.#crAtEnd = true;
      }
      this.eol = stop - end === 2 ? "\r\n" : chunk[end] === CR ? "\r" : "\n";
      this.#complete(chunk, pos, end, stop);
      pos = stop;
      if (cr !== -1 && cr < pos) cr = chunk.indexOf(CR, pos);
      if (lf !== -1 && lf < pos) lf = chunk.indexOf(LF, pos);
    }
    if (pos < n) this.#partial(chunk.subarray(pos));
    return this.#take();
  }

  /** Ends the stream: a last line without terminator counts, and an open block is dispatched. */
  finish(): SseFrame[] {
    this.endedMidLine = this.#lineRaw || this.#lineBytes > 0;
    if (this.endedMidLine) this.#complete(EMPTY, 0, 0, 0);
    this.endedInBlock = this.#passing || this.#block.length > 0;
    if (this.#block.length > 0) this.#endBlock(undefined);
    this.#passing = false;
    this.#crAtEnd = false;
    return this.#take();
  }

  #take(): SseFrame[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #raw(bytes: Uint8Array): void {
    if (bytes.byteLength > 0) this.#out.push({ kind: "raw", bytes });
  }

  /** Bytes of a line whose end has not arrived yet. */
  #partial(bytes: Uint8Array): void {
    if (!this.#lineRaw && this.#lineBytes === 0 && this.#goesRaw(bytes)) this.#lineRaw = true;
    if (this.#lineRaw) {
      this.#atStart = false;
      this.#raw(bytes.slice());
      return;
    }
    this.#line.push(Buffer.from(bytes));
    this.#lineBytes += bytes.byteLength;
    if (this.#blockBytes + this.#lineBytes > this.#max) {
      // Too big to hold: what is held goes out now, and the rest of the block as it comes.
      const held = Buffer.concat([...this.#block.map((l) => l.bytes), ...this.#line]);
      this.#out.push({ kind: "oversized", bytes: held });
      this.#resetBlock();
      this.#line = [];
      this.#lineBytes = 0;
      this.#lineRaw = true;
      this.#passing = true;
    }
  }

  /**
   * Whether a line opening with `head` can go out before it ends: a comment outside a block, or
   * any line of an oversized one.
   */
  #goesRaw(head: Uint8Array): boolean {
    if (this.#passing) return true;
    if (this.#block.length > 0) return false;
    if (this.#atStart) {
      // The stream may open with a BOM: look past it, or wait while the bytes could still be one.
      let at = 0;
      while (at < 3 && at < head.byteLength && head[at] === BOM[at]) at++;
      if (at === 3) return head[3] === COLON;
      if (at === head.byteLength) return false;
    }
    return head[0] === COLON;
  }

  /** The line that ends at `end` in `chunk` (terminator up to `stop`), after any held pieces. */
  #complete(chunk: Buffer, pos: number, end: number, stop: number): void {
    if (this.#lineRaw) {
      this.#lineRaw = false;
      this.#raw(chunk.subarray(pos, stop));
      return;
    }
    // A line wholly in this chunk is a view (keeping at most this chunk alive), else a copy.
    const bytes =
      this.#lineBytes === 0
        ? chunk.subarray(pos, stop)
        : Buffer.concat([...this.#line, chunk.subarray(pos, stop)]);
    const contentEnd = this.#lineBytes + end - pos;
    this.#line = [];
    this.#lineBytes = 0;
    const start = this.#atStart && isBom(bytes) && contentEnd >= 3 ? 3 : 0;
    this.#atStart = false;
    if (this.#passing) {
      this.#raw(bytes);
      if (contentEnd === 0) this.#passing = false;
      return;
    }
    if (contentEnd === start) {
      this.#endBlock({ bytes, start, end: contentEnd, field: "" });
      return;
    }
    if (bytes[start] === COLON) {
      if (this.#block.length === 0) {
        this.#raw(bytes);
        return;
      }
      this.#hold({ bytes, start, end: contentEnd, field: "" });
      return;
    }
    let colon = bytes.indexOf(COLON, start);
    if (colon >= contentEnd) colon = -1;
    const field = fieldName(bytes, start, colon === -1 ? contentEnd : colon);
    if (field !== "other") {
      const from =
        colon === -1 ? contentEnd : bytes[colon + 1] === 32 && colon + 1 < contentEnd ? colon + 2 : colon + 1;
      const value = bytes.toString("utf8", from, contentEnd);
      if (field === "data") this.#data.push(value);
      else if (field === "event") this.#event = value;
      else if (field === "id") {
        if (!value.includes("\0")) this.#id = value;
      } else if (/^[0-9]+$/.test(value)) this.#retry = Number(value);
    }
    this.#hold({ bytes, start, end: contentEnd, field });
  }

  #hold(line: SseLine): void {
    this.#block.push(line);
    this.#blockBytes += line.bytes.byteLength;
    if (this.#blockBytes > this.#max) {
      this.#out.push({ kind: "oversized", bytes: Buffer.concat(this.#block.map((l) => l.bytes)) });
      this.#resetBlock();
      this.#passing = true;
    }
  }

  /** The LF of a CRLF split across chunks joins its line while that line is still held. */
  #extendLastHeldLine(): void {
    const last = this.#block.at(-1);
    if (last === undefined) return;
    const bytes = new Uint8Array(last.bytes.byteLength + 1);
    bytes.set(last.bytes);
    bytes[last.bytes.byteLength] = LF;
    last.bytes = bytes;
    this.#blockBytes += 1;
  }

  /** A blank line (or the end of the stream) ends the block. */
  #endBlock(blank: SseLine | undefined): void {
    if (this.#block.length === 0) {
      if (blank) this.#raw(blank.bytes);
      return;
    }
    const lines = this.#block;
    if (blank) lines.push(blank);
    if (this.#data.length === 0) {
      this.#raw(Buffer.concat(lines.map((l) => l.bytes)));
    } else {
      const event: SseEvent = { data: this.#data.length === 1 ? this.#data[0]! : this.#data.join("\n") };
      if (this.#event.length > 0) event.event = this.#event;
      if (this.#id !== undefined) event.id = this.#id;
      if (this.#retry !== undefined) event.retry = this.#retry;
      this.#out.push({ kind: "event", event, lines });
    }
    this.#resetBlock();
  }

  #resetBlock(): void {
    this.#block = [];
    this.#blockBytes = 0;
    this.#data = [];
    this.#event = "";
    this.#id = undefined;
    this.#retry = undefined;
  }
}
