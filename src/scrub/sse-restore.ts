// Owns restoring pseudonyms in a streamed SSE response: bytes in, bytes out. Cuts the stream
// with SseFramer, hands each event to the API's event restorer, and writes back only what changed.
// Promises:
// - events reach the client as soon as they arrive (only text that could begin a pseudonym is
//   held, and only until the next delta or the end of its block); a pseudonym split across any
//   number of deltas comes out whole;
// - an event with nothing to restore goes out byte for byte as it came (its `event:`, `id:`,
//   `retry:`, unknown fields, comment lines and line endings); an event that changes keeps every
//   line but its `data:` lines, which are rewritten in place with the same line ending;
// - comment lines (`: ping`, `: OPENROUTER PROCESSING`) and blank lines between events go out
//   the moment they arrive, in order; the same for blocks without data;
// - events the restorer adds (held tails) use the stream's own line ending;
// - an event whose text is all held back is not sent (its text goes out with a later one); its
//   comment lines are;
// - a block over MAX_EVENT_BYTES is not restored: held text is sent first, then the block goes
//   out as it arrives, pseudonyms and all (never dropped, never a secret).
// For translated routes, apply the "anthropic" transform to the stream the client receives.

import { encodeSse } from "../sse/encode.ts";
import { type SseFrame, SseFramer, type SseLine } from "../sse/frame.ts";
import type { SseEvent } from "../sse/types.ts";
import type { EventRestorer, RestoreKit } from "./sse-channels.ts";
import { createAnthropicRestorer } from "./sse-restore-anthropic.ts";
import { createGeminiRestorer } from "./sse-restore-gemini.ts";
import { createOpenAiRestorer } from "./sse-restore-openai.ts";

export type SseApi = "anthropic" | "openai" | "gemini";

/** Whole events are needed to restore them; allow large ones (final Responses events carry all output). */
export const MAX_EVENT_BYTES = 16 * 1024 * 1024;

export function createEventRestorer(api: SseApi, kit: RestoreKit): EventRestorer {
  if (api === "anthropic") return createAnthropicRestorer(kit);
  if (api === "openai") return createOpenAiRestorer(kit);
  return createGeminiRestorer(kit);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const LINE_BREAK = /\r\n|\r|\n/;

/** Events made by the restorer, on the wire with the stream's line ending. */
function encodeAdded(events: readonly SseEvent[], eol: string): string {
  let out = "";
  for (const ev of events) out += eol === "\n" ? encodeSse(ev) : encodeSse(ev).replaceAll("\n", eol);
  return out;
}

/** The block's lines with its `data:` lines replaced by `data`, written where the first one was. */
function rewriteData(lines: readonly SseLine[], data: string, eol: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  let written = false;
  for (const line of lines) {
    if (line.field !== "data") {
      out.push(line.bytes);
      continue;
    }
    if (written) continue;
    written = true;
    // Keep the line's own form: BOM before it, "data:" or "data: ", its terminator.
    const spaced = line.bytes[line.start + 5] === 32;
    const ending = decoder.decode(line.bytes.subarray(line.end));
    const values = data.split(LINE_BREAK);
    let text = "";
    values.forEach((value, i) => {
      const prefix = spaced || value.startsWith(" ") ? "data: " : "data:";
      text += prefix + value + (i < values.length - 1 ? ending || eol : ending);
    });
    out.push(line.bytes.subarray(0, line.start), encoder.encode(text));
  }
  return out;
}

/** Comment lines of a block whose event is not sent. */
function commentsOf(lines: readonly SseLine[]): Uint8Array[] {
  return lines.filter((l) => l.field === "" && l.end > l.start).map((l) => l.bytes);
}

/** Sends one chunk's output as one piece (nothing when there is none). */
export function enqueue(out: Uint8Array[], controller: TransformStreamDefaultController<Uint8Array>): void {
  if (out.length > 0) controller.enqueue(out.length === 1 ? out[0]! : Buffer.concat(out));
}

export function createSseRestoreTransform(
  api: SseApi,
  kit: RestoreKit,
  maxEventBytes = MAX_EVENT_BYTES,
): TransformStream<Uint8Array, Uint8Array> {
  const framer = new SseFramer(maxEventBytes);
  const restorer = createEventRestorer(api, kit);

  const emit = (frames: readonly SseFrame[], out: Uint8Array[]): void => {
    for (const frame of frames) {
      if (frame.kind === "raw") {
        out.push(frame.bytes);
        continue;
      }
      if (frame.kind === "oversized") {
        // Held text goes first, so the client still gets it in order.
        const held = restorer.finish();
        if (held.length > 0) out.push(encoder.encode(encodeAdded(held, framer.eol)));
        out.push(frame.bytes);
        continue;
      }
      const ev = frame.event;
      const events = restorer.event(ev);
      const last = events.at(-1);
      if (events.length > 1) out.push(encoder.encode(encodeAdded(events.slice(0, -1), framer.eol)));
      if (last === undefined) out.push(...commentsOf(frame.lines));
      else if (last === ev || last.data === ev.data) for (const line of frame.lines) out.push(line.bytes);
      else out.push(...rewriteData(frame.lines, last.data, framer.eol));
    }
  };

  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      const out: Uint8Array[] = [];
      emit(framer.push(chunk), out);
      enqueue(out, controller);
    },
    flush(controller) {
      const out: Uint8Array[] = [];
      emit(framer.finish(), out);
      const held = restorer.finish();
      if (held.length > 0) {
        // Close what the stream left open, so the added events stand on their own.
        const eol = framer.eol;
        const closing = (framer.endedMidLine ? eol : "") + (framer.endedInBlock ? eol : "");
        out.push(encoder.encode(closing + encodeAdded(held, eol)));
      }
      enqueue(out, controller);
    },
  });
}
