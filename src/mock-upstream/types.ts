// Owns the public shapes of the mock upstream (options, server handle, recorded requests) and
// the neutral vocabulary the three API dialects share (conversation in, reply plan out).
// Promises: no logic here, only types, so every other mock file can depend on it freely.

export interface MockOptions {
  /** Listening port; default 8787, 0 picks a free one. */
  port?: number;
  /** Listening address; default 127.0.0.1. */
  hostname?: string;
  /** Default delay before response headers, in ms (header x-mock-latency-ms overrides). */
  latencyMs?: number;
  /** Default delay between stream events, in ms (header x-mock-gap-ms overrides). */
  gapMs?: number;
  /** Default number of text delta events per reply (header x-mock-events overrides). */
  events?: number;
}

export interface RecordedRequest {
  /** The x-request-id this request was answered with. */
  id: string;
  method: string;
  path: string;
  /** Query parameters; a repeated name keeps its last value. */
  query: Record<string, string>;
  /** Request headers with lower-case names. */
  headers: Record<string, string>;
  /** Body text (gzip request bodies are decoded), cut at 64 KB. */
  body: string;
  bodyTruncated: boolean;
  /** Epoch milliseconds when the request arrived. */
  receivedAt: number;
  /** Status the mock answered with (0 until decided). */
  status: number;
  /** True when the client went away before the response finished. */
  aborted: boolean;
}

export interface MockServer {
  /** Base URL without trailing slash, e.g. http://127.0.0.1:8787 */
  url: string;
  port: number;
  /** Recorded requests, most recent last, at most 200; /__mock/* calls are not recorded. */
  readonly requests: RecordedRequest[];
  stop(): Promise<void>;
}

export type ApiFlavor = "anthropic" | "openai" | "gemini";

/** What `x-mock-cache` asks for; "auto" follows each API's own deterministic rule. */
export type CacheMode = "auto" | "read" | "write" | "none";

export interface Knobs {
  latencyMs: number;
  gapMs: number;
  events: number;
  /** Raw x-mock-status value and its parsed list, when given. */
  status?: { raw: string; codes: number[] };
  key: string;
  retryAfter?: string;
  resetAfter?: number;
  streamErrorAfter?: number;
  gzip: boolean;
  redirect?: string;
  bodyBytes?: number;
  cache: CacheMode;
}

export interface ToolSpec {
  name: string;
  /** JSON schema of the arguments, as the client sent it. */
  schema: unknown;
}

export type ToolChoice =
  | { kind: "auto" }
  | { kind: "none" }
  | { kind: "any" }
  | { kind: "named"; name: string };

/** One request reduced to what the fake model looks at. */
export interface Conversation {
  lastUserText: string;
  /** Text of the tool result carried by the last message, when it carries one. */
  toolResult?: string;
  tools: ToolSpec[];
  toolChoice: ToolChoice;
  thinking: boolean;
}

/** One tool call of a reply: its arguments as an object, as JSON text and cut into deltas. */
export interface ToolReply {
  name: string;
  args: Record<string, unknown>;
  json: string;
  chunks: string[];
}

export type Reply =
  | { kind: "text"; text: string; chunks: string[] }
  /** The first call's fields, and `more` calls made in the same turn (parallel calls). */
  | ({ kind: "tool"; more: ToolReply[] } & ToolReply);

export interface ReplyPlan {
  reply: Reply;
  /** Present when the request asked for thinking / reasoning. */
  thinking?: { text: string; chunks: string[]; tokens: number };
  /** Tokens of the visible reply (text or tool arguments), thinking excluded. */
  replyTokens: number;
}

/** Prompt size in characters: everything, and the prefix a cache would cover. */
export interface PromptSize {
  chars: number;
  cachedChars: number;
  /** True when the request marked something with cache_control. */
  marked: boolean;
}
