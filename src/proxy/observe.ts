// How features watch traffic without touching the request path: observers get the request
// as forwarded, a decoded view of the response (SSE events or one parsed JSON body, read on
// a bounded side path) and the finished Exchange. Observers never see keys or raw headers
// and must not throw; a throwing observer is logged and skipped, never fatal.
import type { SseEvent } from "../sse/types.ts";
import type { Exchange } from "./exchange.ts";

/** Receives the decoded upstream (or translated) response, in order, after the client got it. */
export interface ResponseConsumer {
  /** One SSE event of a streamed response. */
  event?(ev: SseEvent): void;
  /** The whole non-stream body, parsed once, when it was JSON and under the size cap. */
  json?(body: unknown): void;
  /** The response ended (completely or not); called before the observers' onEnd. */
  end?(): void;
  /**
   * SSE event names this consumer never looks at. When every consumer of a stream names some,
   * the events all of them skip are not decoded at all (sse/skim.ts).
   */
  skip?: ReadonlySet<string>;
}

export interface ExchangeObserver {
  /** A request arrived and its Exchange exists (method, path, upstream, session; no body yet). */
  onStart?(ex: Exchange): void;
  /**
   * The request body as it was sent upstream (after scrubbing and translation), once per target
   * tried; `json` is the client's request as the proxy parsed it (memoised: free for Anthropic
   * and OpenAI requests, which the proxy always parses).
   */
  onRequest?(ex: Exchange, body: Uint8Array, json?: () => unknown): void;
  /** Upstream answered; may return a consumer of the decoded response. */
  onResponse?(ex: Exchange): ResponseConsumer | undefined;
  /** The exchange is over; usage, cost and outcome are final. */
  onEnd?(ex: Exchange): void;
}

export type ErrorSink = (where: string, err: unknown) => void;

/** Runs fn, reporting (never propagating) what it throws. */
export function guarded<T>(where: string, onError: ErrorSink, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    onError(where, err);
    return undefined;
  }
}

/**
 * Fans one response out to several consumers, each guarded (inline: this runs per event, and a
 * closure per call would cost more than the call). Skips what every consumer skips.
 */
export function fanOut(consumers: ResponseConsumer[], onError: ErrorSink): ResponseConsumer | undefined {
  if (consumers.length === 0) return undefined;
  const fanned: ResponseConsumer = {
    event(ev) {
      for (const c of consumers) {
        try {
          c.event?.(ev);
        } catch (err) {
          onError("consumer.event", err);
        }
      }
    },
    json(body) {
      for (const c of consumers) {
        try {
          c.json?.(body);
        } catch (err) {
          onError("consumer.json", err);
        }
      }
    },
    end() {
      for (const c of consumers) {
        try {
          c.end?.();
        } catch (err) {
          onError("consumer.end", err);
        }
      }
    },
  };
  const skip = commonSkip(consumers);
  if (skip) fanned.skip = skip;
  return fanned;
}

function commonSkip(consumers: ResponseConsumer[]): ReadonlySet<string> | undefined {
  if (consumers.length === 1) return consumers[0]?.skip?.size ? consumers[0].skip : undefined;
  let common: Set<string> | undefined;
  for (const c of consumers) {
    if (!c.skip || c.skip.size === 0) return undefined;
    common = common ? new Set([...common].filter((name) => c.skip?.has(name))) : new Set(c.skip);
  }
  return common && common.size > 0 ? common : undefined;
}
