// Owns cutting a streamed JSON array (Gemini's streamGenerateContent without alt=sse:
// `[{...},\r\n{...}\r\n]`, elements arriving over time) into its elements, without changing a
// byte. It sits beside the SSE framer because it is the other way providers frame a stream.
// Promises:
// - every byte pushed comes out again exactly once, in order, in the frames;
// - an element comes out whole as soon as its last byte arrives, whatever the chunking; the
//   brackets, commas and whitespace around elements come out at once;
// - memory is bounded: an element that outgrows `maxElementBytes` comes out as "oversized" and
//   the rest of it as raw bytes while they arrive (its end is still found, so the next element
//   is whole again);
// - a body that does not open with `[` is not split: it comes out as "other" frames;
// - a stream cut inside an element ends with that element's bytes as a raw frame.
// Structure is found by bytes alone: `"`, `\`, brackets, commas and whitespace are ASCII and
// never occur inside a multi-byte UTF-8 character.

export type JsonArrayFrame =
  /** Bytes that go out as they are: brackets, commas, whitespace, parts of an oversized element. */
  | { kind: "raw"; bytes: Uint8Array }
  /** One complete element. */
  | { kind: "element"; bytes: Uint8Array }
  /** An element over the cap: its first bytes (or all of it); any rest follows as raw frames. */
  | { kind: "oversized"; bytes: Uint8Array }
  /** The `]` that closes the array. */
  | { kind: "close"; bytes: Uint8Array }
  /** Part of a body that is not an array. */
  | { kind: "other"; bytes: Uint8Array };

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN_SQUARE = 91;
const CLOSE_SQUARE = 93;
const OPEN_CURLY = 123;
const CLOSE_CURLY = 125;
/** Longest run of commas and whitespace remembered as the separator to copy. */
const MAX_SEPARATOR = 16;

const isSpace = (b: number) => b === 32 || b === 10 || b === 13 || b === 9;

export class JsonArraySplitter {
  readonly #max: number;
  #state: "start" | "between" | "element" | "after" | "other" = "start";
  #out: JsonArrayFrame[] = [];
  // The element being read: held pieces (copies), or passed on raw once too big.
  #held: Uint8Array[] = [];
  #heldBytes = 0;
  #passing = false;
  #started = false;
  /** A number or literal: ends just before whitespace, a comma or `]`. */
  #bare = false;
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** Commas and whitespace since the last element. */
  #gap = "";
  /** What stood between the last two elements (`,\r\n` for Gemini); used to add elements. */
  separator = ",";
  /** An element ended and no comma followed yet: an added element needs a separator first. */
  afterElement = false;

  constructor(maxElementBytes: number) {
    this.#max = maxElementBytes;
  }

  /** True between elements of an open array: the place where elements may be added. */
  get open(): boolean {
    return this.#state === "between";
  }

  push(chunk: Uint8Array): JsonArrayFrame[] {
    const n = chunk.byteLength;
    let from = 0; // start of the bytes not yet handed out
    let i = 0;
    while (i < n) {
      const b = chunk[i]!;
      if (this.#state === "element") {
        const end = this.#scan(chunk, i);
        if (end === -1) break;
        this.#endElement(chunk.subarray(from, end));
        from = i = end;
        continue;
      }
      if (this.#state === "between") {
        if (b === CLOSE_SQUARE) {
          this.#frame("raw", chunk.subarray(from, i));
          this.#frame("close", chunk.subarray(i, i + 1));
          from = i + 1;
          this.#state = "after";
        } else if (isSpace(b) || b === COMMA) {
          if (b === COMMA) this.afterElement = false;
          if (this.#gap.length <= MAX_SEPARATOR) this.#gap += String.fromCharCode(b);
        } else {
          this.#frame("raw", chunk.subarray(from, i));
          from = i;
          if (this.#gap.includes(",") && this.#gap.length <= MAX_SEPARATOR) this.separator = this.#gap;
          this.#gap = "";
          this.#state = "element";
          continue; // the same byte opens the element
        }
      } else if (this.#state === "start") {
        if (b === OPEN_SQUARE) this.#state = "between";
        else if (!isSpace(b)) this.#state = "other";
      } else {
        break; // after the array, or not an array: the rest goes out as it is
      }
      i++;
    }
    if (from < n) {
      if (this.#state === "element") this.#holdOrPass(chunk.subarray(from));
      else this.#frame(this.#state === "other" ? "other" : "raw", chunk.subarray(from));
    }
    return this.#take();
  }

  /** Ends the stream; an element cut short goes out raw. */
  finish(): JsonArrayFrame[] {
    if (this.#state === "element" && this.#heldBytes > 0) this.#frame("raw", concat(this.#held));
    this.#held = [];
    this.#heldBytes = 0;
    return this.#take();
  }

  /** Reads element bytes from `start`; returns the index just past the element's end, or -1. */
  #scan(chunk: Uint8Array, start: number): number {
    const n = chunk.byteLength;
    for (let i = start; i < n; i++) {
      const b = chunk[i]!;
      if (!this.#started) {
        this.#started = true;
        if (b === OPEN_CURLY || b === OPEN_SQUARE) this.#depth = 1;
        else if (b === QUOTE) this.#inString = true;
        else if (b === CLOSE_CURLY)
          return i + 1; // not JSON: one byte, rather than swallow the stream
        else this.#bare = true;
      } else if (this.#bare) {
        if (isSpace(b) || b === COMMA || b === CLOSE_SQUARE) return i;
      } else if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (b === BACKSLASH) this.#escaped = true;
        else if (b === QUOTE) {
          this.#inString = false;
          if (this.#depth === 0) return i + 1;
        }
      } else if (b === QUOTE) this.#inString = true;
      else if (b === OPEN_CURLY || b === OPEN_SQUARE) this.#depth++;
      else if (b === CLOSE_CURLY || b === CLOSE_SQUARE) {
        this.#depth--;
        if (this.#depth === 0) return i + 1;
      }
    }
    return -1;
  }

  #endElement(tail: Uint8Array): void {
    if (this.#passing) this.#frame("raw", tail);
    else {
      // Over the cap is over the cap, however the bytes were chunked.
      const big = this.#heldBytes + tail.byteLength > this.#max;
      this.#frame(
        big ? "oversized" : "element",
        this.#heldBytes === 0 ? tail : concat([...this.#held, tail]),
      );
    }
    this.#held = [];
    this.#heldBytes = 0;
    this.#passing = this.#started = this.#bare = this.#inString = this.#escaped = false;
    this.#depth = 0;
    this.#state = "between";
    this.afterElement = true;
  }

  #holdOrPass(bytes: Uint8Array): void {
    if (this.#passing) {
      this.#frame("raw", bytes);
      return;
    }
    this.#held.push(bytes.slice());
    this.#heldBytes += bytes.byteLength;
    if (this.#heldBytes > this.#max) {
      this.#frame("oversized", concat(this.#held));
      this.#held = [];
      this.#heldBytes = 0;
      this.#passing = true;
    }
  }

  #frame(kind: JsonArrayFrame["kind"], bytes: Uint8Array): void {
    if (bytes.byteLength > 0) this.#out.push({ kind, bytes });
  }

  #take(): JsonArrayFrame[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
