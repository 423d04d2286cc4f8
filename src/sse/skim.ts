// Byte-level Server-Sent Events decoding for observers that need few of a stream's events:
// Anthropic streams are mostly content_block_delta events, and usage lives in message_start and
// message_delta. Promises the same events as SseDecoder (parse.ts) for the same bytes, however
// they are split, except those whose `event:` name is in `skip`: their data lines are never
// decoded or kept. Lines are found in the bytes, and only the values of kept fields are turned
// into text, so a skipped event costs a few byte comparisons. Memory stays bounded as in
// SseDecoder; the size limit counts bytes here (the same for the ASCII JSON providers send).
// An event whose name is in `skip` when its data arrives stays skipped even if a later `event:`
// line renames it (no provider does that; the data is gone by then).
import type { SseEvent } from "./types.ts";

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;
const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
const EMPTY = new Uint8Array(0);
/** Returned when a chunk completes no event (most chunks): one shared empty list. */
const NONE: readonly SseEvent[] = Object.freeze([]);

/** `name` spelled out in buf[start, end). */
function is(buf: Uint8Array, start: number, end: number, name: string): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (buf[start + i] !== name.charCodeAt(i)) return false;
  return true;
}

export class SseSkimmer {
  readonly #skip: ReadonlySet<string>;
  /** The ASCII names of `skip`, compared byte for byte. */
  readonly #skipNames: string[];
  readonly #max: number;
  readonly #utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
  /** Bytes after the last line terminator, waiting for the rest of their line. */
  #carry: Uint8Array = EMPTY;
  #skipLf = false;
  #bomChecked = false;
  #discarding = false;
  #lineTruncated = false;
  #dropped = 0;
  #data: string[] = [];
  #hasData = false;
  #event = "";
  #skipping = false;
  #id: string | undefined;
  #retry: number | undefined;
  #size = 0;
  #out: SseEvent[] = [];

  constructor(skip: ReadonlySet<string>, options: { maxEventBytes?: number } = {}) {
    this.#skip = skip;
    this.#skipNames = asciiNames(skip);
    this.#max = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  }

  /** Events dropped because they outgrew the size limit. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Feeds the next piece of the stream; returns the events it completed that are not skipped. */
  push(chunk: Uint8Array): readonly SseEvent[] {
    if (chunk.byteLength === 0) return this.#take();
    let buf = chunk;
    let pos = 0;
    if (this.#skipLf) {
      // Set only when the last chunk ended in CR, so nothing is carried over.
      this.#skipLf = false;
      if (buf[0] === LF) pos = 1;
    } else if (this.#carry.byteLength > 0) {
      buf = new Uint8Array(this.#carry.byteLength + chunk.byteLength);
      buf.set(this.#carry);
      buf.set(chunk, this.#carry.byteLength);
      this.#carry = EMPTY;
    }
    if (!this.#bomChecked) {
      // A byte-order mark may arrive split; wait for three bytes before deciding.
      if (buf.byteLength - pos < 3 && isBomPrefix(buf, pos)) {
        this.#carry = buf.slice(pos);
        return this.#take();
      }
      this.#bomChecked = true;
      if (buf[pos] === 0xef && buf[pos + 1] === 0xbb && buf[pos + 2] === 0xbf) pos += 3;
    }
    this.#scan(buf, pos);
    return this.#take();
  }

  /** Ends the stream; an event left open (last blank line missing) is still dispatched. */
  finish(): readonly SseEvent[] {
    this.#bomChecked = true;
    if (this.#carry.byteLength > 0 || this.#lineTruncated) {
      const line = this.#carry;
      this.#carry = EMPTY;
      this.#line(line, 0, line.byteLength);
    }
    this.#line(EMPTY, 0, 0);
    this.#skipLf = false;
    return this.#take();
  }

  #take(): readonly SseEvent[] {
    if (this.#out.length === 0) return NONE;
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #scan(buf: Uint8Array, start: number): void {
    const n = buf.byteLength;
    let pos = start;
    let cr = buf.indexOf(CR, pos);
    let lf = buf.indexOf(LF, pos);
    while (cr !== -1 || lf !== -1) {
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      this.#line(buf, pos, end);
      if (buf[end] === CR) {
        if (end + 1 < n) pos = buf[end + 1] === LF ? end + 2 : end + 1;
        else {
          pos = end + 1;
          this.#skipLf = true;
        }
      } else pos = end + 1;
      if (cr !== -1 && cr < pos) cr = buf.indexOf(CR, pos);
      if (lf !== -1 && lf < pos) lf = buf.indexOf(LF, pos);
    }
    const rest = n - pos;
    if (rest === 0) return;
    if (this.#discarding || this.#size + rest > this.#max) {
      // An unterminated line of an event already too big: forget it rather than hold it.
      this.#startDiscarding();
      this.#lineTruncated = true;
      return;
    }
    this.#carry = buf.slice(pos);
  }

  #line(buf: Uint8Array, start: number, end: number): void {
    const truncated = this.#lineTruncated;
    this.#lineTruncated = false;
    const length = end - start;
    if (this.#discarding) {
      if (length === 0 && !truncated) {
        this.#discarding = false;
        this.#reset();
      }
      return;
    }
    if (length === 0 && !truncated) {
      this.#dispatch();
      return;
    }
    if (buf[start] === COLON) return;
    this.#size += length + 1;
    if (this.#size > this.#max) {
      this.#startDiscarding();
      return;
    }
    let colon = buf.indexOf(COLON, start);
    if (colon >= end) colon = -1;
    const fieldEnd = colon === -1 ? end : colon;
    const valueStart = colon === -1 ? end : buf[colon + 1] === SPACE ? colon + 2 : colon + 1;
    if (is(buf, start, fieldEnd, "data")) {
      this.#hasData = true;
      if (!this.#skipping) this.#data.push(this.#text(buf, valueStart, end));
    } else if (is(buf, start, fieldEnd, "event")) {
      // Skipped names are recognised in the bytes, without decoding them.
      const skipped = this.#skipNames.find((name) => is(buf, valueStart, end, name));
      this.#event = skipped ?? this.#text(buf, valueStart, end);
      if (skipped !== undefined || this.#skip.has(this.#event)) {
        this.#skipping = true;
        this.#data = [];
      }
    } else if (is(buf, start, fieldEnd, "id")) {
      const value = this.#text(buf, valueStart, end);
      if (!value.includes("\0")) this.#id = value;
    } else if (is(buf, start, fieldEnd, "retry")) {
      const value = this.#text(buf, valueStart, end);
      if (/^[0-9]+$/.test(value)) this.#retry = Number(value);
    }
  }

  #text(buf: Uint8Array, start: number, end: number): string {
    return start >= end ? "" : this.#utf8.decode(buf.subarray(start, end));
  }

  #dispatch(): void {
    if (this.#hasData && !this.#skipping) {
      const ev: SseEvent = { data: this.#data.length === 1 ? this.#data[0]! : this.#data.join("\n") };
      if (this.#event.length > 0) ev.event = this.#event;
      if (this.#id !== undefined) ev.id = this.#id;
      if (this.#retry !== undefined) ev.retry = this.#retry;
      this.#out.push(ev);
    }
    this.#reset();
  }

  #startDiscarding(): void {
    if (!this.#discarding) this.#dropped++;
    this.#discarding = true;
    this.#carry = EMPTY;
    this.#reset();
  }

  #reset(): void {
    if (this.#data.length > 0) this.#data = [];
    this.#hasData = false;
    this.#event = "";
    this.#skipping = false;
    this.#id = undefined;
    this.#retry = undefined;
    this.#size = 0;
  }
}

/** The ASCII names of a skip set, worked out once per set (a skimmer is made per response). */
const asciiCache = new WeakMap<ReadonlySet<string>, string[]>();
function asciiNames(skip: ReadonlySet<string>): string[] {
  let names = asciiCache.get(skip);
  if (names === undefined) {
    names = [...skip].filter((name) => [...name].every((c) => c.charCodeAt(0) < 128));
    asciiCache.set(skip, names);
  }
  return names;
}

function isBomPrefix(buf: Uint8Array, pos: number): boolean {
  const bom = [0xef, 0xbb, 0xbf];
  for (let i = pos; i < buf.byteLength; i++) if (buf[i] !== bom[i - pos]) return false;
  return true;
}
