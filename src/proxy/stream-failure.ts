// How a stream that fails after it started is told to the client: one error event in the
// client's own API format, after which sluice closes the stream (never a bare cut a client may
// take for a finished answer, never a clean end without a word). Pure. Silence becomes
// Anthropic's overloaded_error (a client backs off and retries, as it does with Anthropic), a
// dropped connection api_error; the messages say which, and name the upstream host only.
import type { Api } from "../errors.ts";
import type { AnthropicErrorBody } from "../translate/anthropic-types.ts";
import type { RelayFailure } from "./relay.ts";

const encoder = new TextEncoder();

export function failureMessage(how: RelayFailure, host: string, readTimeoutMs: number): string {
  return how === "read_timeout"
    ? `sluice: upstream ${host} went silent for ${Number((readTimeoutMs / 1000).toFixed(1))} s mid-stream (read timeout)`
    : `sluice: upstream ${host} dropped the connection mid-stream`;
}

/** The Anthropic `error` event for a failed stream. */
export function anthropicFailure(how: RelayFailure, message: string): AnthropicErrorBody {
  const type = how === "read_timeout" ? "overloaded_error" : "api_error";
  return { type: "error", error: { type, message } };
}

/** The error event's text for an event stream of this API. */
export function failureEvent(api: Api, how: RelayFailure, message: string): string {
  switch (api) {
    case "anthropic":
      return `event: error\ndata: ${JSON.stringify(anthropicFailure(how, message))}\n\n`;
    case "openai": {
      // The openai SDKs throw on a chunk that carries `error`, as OpenRouter and vLLM send it.
      const kind = how === "read_timeout" ? "upstream_timeout" : "upstream_error";
      return `data: ${JSON.stringify({ error: { message, type: kind, param: null, code: kind } })}\n\n`;
    }
    case "gemini": {
      const error =
        how === "read_timeout"
          ? { code: 504, message, status: "DEADLINE_EXCEEDED" }
          : { code: 502, message, status: "UNAVAILABLE" };
      return `data: ${JSON.stringify({ error })}\n\n`;
    }
  }
}

/** True when `tail` (the end of what the client got) closes an SSE event: nothing is half sent. */
export function atEventBoundary(tail: Uint8Array): boolean {
  const n = tail.byteLength;
  if (n === 0) return true;
  const a = tail[n - 1];
  const b = n >= 2 ? tail[n - 2] : undefined;
  // "\n\n", "\r\r" and "\r\n\r\n" all end with two line terminators in a row.
  return (a === 10 && (b === 10 || (b === 13 && n >= 4 && tail[n - 3] === 10))) || (a === 13 && b === 13);
}

/**
 * The failure bytes for a passed-through stream, or undefined (end it abnormally) when it is not
 * an event stream or an event was cut in half: an error glued to half an event would not parse.
 */
export function passthroughFailure(
  api: Api,
  contentType: string | null,
  how: RelayFailure,
  message: string,
  tail: Uint8Array,
): Uint8Array | undefined {
  if (contentType?.includes("text/event-stream") !== true || !atEventBoundary(tail)) return undefined;
  return encoder.encode(failureEvent(api, how, message));
}
