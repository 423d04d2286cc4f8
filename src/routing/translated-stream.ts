// The client's side of a translated stream: Chat Completions SSE in, Anthropic SSE out, as a
// relay shape (proxy/relay.ts). message_start and a ping go out the moment the backend answers
// 200; a keep-alive from the backend (an SSE comment, a blank line) becomes a ping; silence or a
// reset after that ends the stream with an Anthropic error event. What the answer could not carry
// (unrepairable tool arguments) and whether usage was sluice's own count are noted on the
// Exchange for logs, metrics and Langfuse.
import type { Exchange } from "../proxy/exchange.ts";
import type { StreamShape } from "../proxy/relay.ts";
import { anthropicFailure } from "../proxy/stream-failure.ts";
import { SseDecoder } from "../sse/parse.ts";
import type { MessagesStreamEvent } from "../translate/anthropic-types.ts";
import type { ChatChunk } from "../translate/openai-types.ts";
import type { ChatToMessagesStream } from "../translate/streaming.ts";

const encoder = new TextEncoder();
const PING: MessagesStreamEvent = { type: "ping" };

const encodeEvents = (events: MessagesStreamEvent[]): Uint8Array | undefined =>
  events.length === 0
    ? undefined
    : encoder.encode(events.map((ev) => `event: ${ev.type}\ndata: ${JSON.stringify(ev)}\n\n`).join(""));

/** True when every line of the chunk is blank or an SSE comment: a keep-alive, nothing more. */
export function isKeepAlive(chunk: Uint8Array): boolean {
  let lineStart = true;
  for (const b of chunk) {
    if (b === 10 || b === 13) lineStart = true;
    else if (lineStart) {
      if (b !== 58 /* : */) return false;
      lineStart = false;
    }
  }
  return true;
}

export interface TranslatedStreamOptions {
  ex: Exchange;
  /** Words for a failure: which upstream, and what happened. */
  failureMessage: (how: "upstream_error" | "read_timeout") => string;
}

export function translatedStreamShape(
  stream: ChatToMessagesStream,
  opts: TranslatedStreamOptions,
): StreamShape {
  const decoder = new SseDecoder();
  const feed = (events: ReturnType<SseDecoder["push"]>): MessagesStreamEvent[] =>
    events.flatMap((ev) => {
      if (ev.data === "[DONE]" || ev.data === "") return [];
      const parsed = parseJson(ev.data);
      return parsed && typeof parsed === "object" ? stream.push(parsed as ChatChunk) : [];
    });
  /** What the stream itself learnt, for the Exchange; called once, at either end. */
  const note = () => {
    if (stream.dropped.size > 0)
      opts.ex.dropped = [...new Set([...(opts.ex.dropped ?? []), ...stream.dropped])];
  };
  return {
    start: () => encodeEvents(stream.begin()),
    chunk(chunk) {
      const events = feed(decoder.push(chunk));
      if (events.length === 0 && isKeepAlive(chunk)) return encodeEvents([PING]);
      return encodeEvents(events);
    },
    end() {
      const events = [...feed(decoder.finish()), ...stream.finish()];
      note();
      if (stream.estimated) opts.ex.estimatedOutputTokens = stream.countOutput();
      return encodeEvents(events);
    },
    fail(how) {
      note();
      // What was produced before the cut still cost tokens; the backend's usage never came.
      if (stream.usage.output_tokens === 0) opts.ex.estimatedOutputTokens = stream.countOutput();
      return encodeEvents(stream.fail(anthropicFailure(how, opts.failureMessage(how))));
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
