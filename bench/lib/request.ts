// What the benchmarks send: one Anthropic Messages request (about 1 KB, with one fake AWS key
// so the scrubbing variant has something to find) and the mock-upstream knobs for streams.
// Promises: pure and deterministic; the fake key is assembled at run time, never stored whole.

export const MESSAGES_PATH = "/v1/messages";

/** A fixed, fake AWS access key id: the scrubber's aws_access_key detector matches it. */
export const FAKE_KEY = ["AK", "IA", "BENCH", "7Q2XK9", "LMNOP"].join("");

const PROMPT =
  "Summarise the deployment notes below in three bullet points. The service reads its " +
  "configuration from the environment, writes logs as JSON, and drains in-flight requests on " +
  `SIGTERM. For the staging bucket use key ${FAKE_KEY} until the rotation on Friday. ` +
  "Latency budgets: p50 under 200 ms, p99 under one second. ".repeat(6);

export function messagesBody(stream: boolean): string {
  return JSON.stringify({
    model: "claude-sonnet-4-5",
    max_tokens: 256,
    ...(stream ? { stream: true } : {}),
    system: "You are a terse assistant for an operations team.",
    messages: [{ role: "user", content: PROMPT }],
  });
}

export const BASE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "application/json",
  "anthropic-version": "2023-06-01",
  "x-api-key": "bench-client-key",
};

/** Headers that make the mock stream `events` deltas, `gapMs` apart. */
export function streamKnobs(events: number, gapMs: number): Record<string, string> {
  return { "x-mock-events": String(events), "x-mock-gap-ms": String(gapMs) };
}

/** What one load run sends: a JSON answer, or a short stream of `events` deltas with no gap. */
export type LoadShape = { kind: "json" } | { kind: "sse"; events: number };

export const JSON_SHAPE: LoadShape = { kind: "json" };

/** The body and extra headers of one request of a shape. */
export function shapeRequest(shape: LoadShape): { body: string; headers: Record<string, string> } {
  return shape.kind === "json"
    ? { body: messagesBody(false), headers: {} }
    : { body: messagesBody(true), headers: streamKnobs(shape.events, 0) };
}
