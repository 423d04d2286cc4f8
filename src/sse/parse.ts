// Incremental Server-Sent Events decoder. Owns line splitting and field parsing per the WHATWG
// EventSource rules; promises that any split of the same bytes yields the same events, and that
// memory stays bounded: an event larger than `maxEventBytes` is dropped and counted, never buffered.

import type { SseEvent } from "./types.ts";

export interface SseDecoderOptions {
  /**
   * Largest event kept, measured in UTF-16 code units of decoded text (equal to bytes for the
   * ASCII JSON providers send). Bigger events are dropped and counted in `dropped`. Default 1 MiB.
   */
  maxEventBytes?: number;
}

const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
const CR = 13;
const LF = 10;

export class SseDecoder {
  readonly #max: number;
  readonly #utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
  #sawBytes = false;
  #bomChecked = false;
  /** Text after the last line terminator, waiting for the rest of its line. */
  #carry = "";
  /** The previous chunk ended in CR: a leading LF in the next one belongs to that CRLF. */
  #skipLf = false;
  /** Set while skipping the rest of an oversized event, until its blank line. */
  #discarding = false;
  /** The current line's start was thrown away, so its end is not a blank line. */
  #lineTruncated = false;
  #dropped = 0;
  // The event being assembled.
  #data: string[] = [];
  #hasData = false;
  #event = "";
  #id: string | undefined;
  #retry: number | undefined;
  #size = 0;
  #out: SseEvent[] = [];

  constructor(options: SseDecoderOptions = {}) {
    this.#max = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  }

  /** Events dropped because they outgrew `maxEventBytes`. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Feeds the next piece of the stream; returns the events completed by it. */
  push(chunk: Uint8Array | string): SseEvent[] {
    let text: string;
    if (typeof chunk === "string") {
      // A byte sequence left open before a string chunk can never complete: flush it.
      text = this.#sawBytes ? this.#utf8.decode() + chunk : chunk;
      this.#sawBytes = false;
    } else {
      this.#sawBytes = true;
      text = this.#utf8.decode(chunk, { stream: true });
    }
    this.#scan(text);
    return this.#take();
  }

  /**
   * Ends the stream. Unlike a browser, an event left open at the end (last line or blank line
   * missing) is still dispatched, so a provider that omits the final blank line loses nothing.
   */
  finish(): SseEvent[] {
    if (this.#sawBytes) this.#scan(this.#utf8.decode());
    this.#sawBytes = false;
    if (this.#carry.length > 0 || this.#lineTruncated) {
      const line = this.#carry;
      this.#carry = "";
      this.#line(line);
    }
    this.#line("");
    this.#skipLf = false;
    return this.#take();
  }

  #take(): SseEvent[] {
    if (this.#out.length === 0) return [];
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #scan(decoded: string): void {
    if (decoded.length === 0) return;
    let text = decoded;
    if (!this.#bomChecked) {
      this.#bomChecked = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let pos = 0;
    if (this.#skipLf) {
      // Set only when the last chunk ended in CR, so nothing is carried over.
      this.#skipLf = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    } else if (this.#carry.length > 0) {
      text = this.#carry + text;
      this.#carry = "";
    }
    const n = text.length;
    let cr = text.indexOf("\r", pos);
    let lf = text.indexOf("\n", pos);
    while (cr !== -1 || lf !== -1) {
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      this.#line(text.slice(pos, end));
      if (text.charCodeAt(end) === CR) {
        if (end + 1 < n) {
          pos = text.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
        } else {
          pos = end + 1;
          this.#skipLf = true;
        }
      } else {
        pos = end + 1;
      }
      if (cr !== -1 && cr < pos) cr = text.indexOf("\r", pos);
      if (lf !== -1 && lf < pos) lf = text.indexOf("\n", pos);
    }
    const rest = n - pos;
    if (rest === 0) return;
    if (this.#discarding || this.#size + rest > this.#max) {
      // An unterminated line of an event already too big: forget it rather than hold it.
      this.#startDiscarding();
      this.#lineTruncated = true;
      return;
    }
    this.#carry = pos === 0 ? text : text.slice(pos);
  }

  #line(line: string): void {
    const truncated = this.#lineTruncated;
    this.#lineTruncated = false;
    if (this.#discarding) {
      if (line.length === 0 && !truncated) {
        this.#discarding = false;
        this.#reset();
      }
      return;
    }
    if (line.length === 0 && !truncated) {
      this.#dispatch();
      return;
    }
    if (line.charCodeAt(0) === 58 /* ":" */) return;
    this.#size += line.length + 1;
    if (this.#size > this.#max) {
      this.#startDiscarding();
      return;
    }
    const colon = line.indexOf(":");
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = "";
    } else {
      field = line.slice(0, colon);
      const start = line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
      value = line.slice(start);
    }
    switch (field) {
      case "data":
        this.#data.push(value);
        this.#hasData = true;
        break;
      case "event":
        this.#event = value;
        break;
      case "id":
        if (!value.includes("\0")) this.#id = value;
        break;
      case "retry":
        if (/^[0-9]+$/.test(value)) this.#retry = Number(value);
        break;
      default:
        break;
    }
  }

  #dispatch(): void {
    if (this.#hasData) {
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
    this.#carry = "";
    this.#reset();
  }

  #reset(): void {
    if (this.#data.length > 0) this.#data = [];
    this.#hasData = false;
    this.#event = "";
    this.#id = undefined;
    this.#retry = undefined;
    this.#size = 0;
  }
}
