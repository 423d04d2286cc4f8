// Owns turning one typed SseEvent back into wire text. Promises: the output is one complete
// event block ending in a blank line that a WHATWG EventSource parser decodes back into the
// same event (multi-line data becomes several `data:` lines; CR/LF inside `event`/`id` is
// dropped because it would split the field).

import type { SseEvent } from "./types.ts";

const LINE_BREAK = /\r\n|\r|\n/;
const ANY_BREAK = /[\r\n]/g;

/** Encodes one event as `event:`/`id:`/`retry:`/`data:` lines followed by a blank line. */
export function encodeSse(ev: SseEvent): string {
  let out = "";
  if (ev.event !== undefined) out += `event: ${ev.event.replace(ANY_BREAK, "")}\n`;
  if (ev.id !== undefined) out += `id: ${ev.id.replace(ANY_BREAK, "")}\n`;
  if (ev.retry !== undefined && Number.isInteger(ev.retry) && ev.retry >= 0) out += `retry: ${ev.retry}\n`;
  for (const line of ev.data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return `${out}\n`;
}
