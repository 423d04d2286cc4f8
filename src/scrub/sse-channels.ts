// Shared pieces of the SSE restorers: the restore operations they need (RestoreKit), a set of
// named text channels each with its own held-back tail, and generic restore of a whole event.
// Promises that an event with nothing to restore is returned as the very same object, so its
// data goes out unchanged.

import type { SseEvent } from "../sse/types.ts";
import type { JsonValue } from "./json-walk.ts";
import type { StreamRestorer } from "./restore.ts";

export type JsonObject = { [key: string]: JsonValue };

export interface RestoreKit {
  /** Restores complete pseudonyms in `text`; `json` escapes values for JSON string content. */
  text(text: string, json?: boolean): string;
  /** Restores content strings of a JSON value (json-walk rule); same reference when unchanged. */
  json(value: JsonValue): JsonValue;
  /** A fresh channel restorer. */
  stream(json: boolean): StreamRestorer;
}

/** Turns SSE events of one API into restored events. */
export interface EventRestorer {
  /**
   * What to send in place of `ev`: the events the restorer adds (held tails) first, then `ev`
   * itself last (the same object when nothing changed, else a copy with new data only); or
   * nothing when all of its text is held back.
   */
  event(ev: SseEvent): SseEvent[];
  /** Everything still held, as added events; the restorer may go on being used afterwards. */
  finish(): SseEvent[];
}

export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parseObject(data: string): JsonObject | undefined {
  if (!data.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(data) as JsonValue;
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The event with new data (event name, id and retry kept). */
export function withData(ev: SseEvent, data: JsonValue): SseEvent {
  return { ...ev, data: JSON.stringify(data) };
}

/** Restores every content string of an event that holds no streamed channel text. */
export function restoreEvent(ev: SseEvent, kit: RestoreKit, parsed?: JsonObject): SseEvent {
  if (!ev.data.includes("SLUICE_")) return ev;
  const obj = parsed ?? parseObject(ev.data);
  if (obj === undefined) {
    const data = kit.text(ev.data);
    return data === ev.data ? ev : { ...ev, data };
  }
  const restored = kit.json(obj);
  return restored === obj ? ev : withData(ev, restored);
}

export interface Tail<M> {
  key: string;
  text: string;
  meta: M;
}

/** Named channels of streamed text; `M` is what the owner needs to emit a channel's tail later. */
export class Channels<M> {
  readonly #kit: RestoreKit;
  readonly #open = new Map<string, { restorer: StreamRestorer; meta: M }>();

  constructor(kit: RestoreKit) {
    this.#kit = kit;
  }

  /** Restored text of `text` for channel `key`, minus a tail that could begin a pseudonym. */
  push(key: string, text: string, json: boolean, meta: M): string {
    let channel = this.#open.get(key);
    if (channel === undefined) {
      channel = { restorer: this.#kit.stream(json), meta };
      this.#open.set(key, channel);
    } else {
      channel.meta = meta;
    }
    return channel.restorer.push(text);
  }

  /** Closes the channels whose key passes `select`; returns their non-empty tails, in order. */
  end(select: (key: string) => boolean): Tail<M>[] {
    const tails: Tail<M>[] = [];
    for (const [key, channel] of this.#open) {
      if (!select(key)) continue;
      this.#open.delete(key);
      const text = channel.restorer.end();
      if (text.length > 0) tails.push({ key, text, meta: channel.meta });
    }
    return tails;
  }

  endAll(): Tail<M>[] {
    return this.end(() => true);
  }
}
