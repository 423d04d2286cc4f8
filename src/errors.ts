// Errors sluice makes itself, as values: what went wrong (kind), whose fault (source),
// the HTTP status and whether a retry may help. render() turns one into a Response in the
// calling client's own API format, so SDKs surface a readable message.

export type Api = "anthropic" | "openai" | "gemini";

export type ErrorKind =
  | "bad_request"
  | "unauthorized"
  | "model_not_allowed"
  | "budget_exceeded"
  | "rate_limited"
  | "not_found"
  | "payload_too_large"
  | "request_timeout"
  | "unsupported_media_type"
  | "upstream_unreachable"
  | "upstream_timeout"
  | "upstream_error"
  | "upstream_rate_limited"
  | "upstream_keys_refused"
  | "loop_detected"
  | "method_not_allowed"
  | "too_many_wrong_keys"
  | "client_closed"
  | "unavailable"
  | "internal";

export type ErrorSource = "client" | "upstream" | "internal";

export interface ProxyError {
  kind: ErrorKind;
  source: ErrorSource;
  status: number;
  retryable: boolean;
  message: string;
  /** Seconds the client should wait before trying again (sent as retry-after). */
  retryAfterSec?: number;
}

const TABLE: Record<ErrorKind, { status: number; source: ErrorSource; retryable: boolean }> = {
  bad_request: { status: 400, source: "client", retryable: false },
  unauthorized: { status: 401, source: "client", retryable: false },
  model_not_allowed: { status: 403, source: "client", retryable: false },
  budget_exceeded: { status: 429, source: "client", retryable: false },
  rate_limited: { status: 429, source: "client", retryable: false },
  not_found: { status: 404, source: "client", retryable: false },
  payload_too_large: { status: 413, source: "client", retryable: false },
  request_timeout: { status: 408, source: "client", retryable: false },
  unsupported_media_type: { status: 415, source: "client", retryable: false },
  upstream_unreachable: { status: 502, source: "upstream", retryable: true },
  upstream_error: { status: 502, source: "upstream", retryable: false },
  upstream_timeout: { status: 504, source: "upstream", retryable: false },
  // Every key of sluice's own for the upstream rests after a 429 (or refused it with 401/403).
  upstream_rate_limited: { status: 429, source: "upstream", retryable: false },
  upstream_keys_refused: { status: 502, source: "upstream", retryable: false },
  loop_detected: { status: 508, source: "internal", retryable: false },
  method_not_allowed: { status: 405, source: "client", retryable: false },
  // The key gate's brute-force limit: too many wrong keys came from this address lately.
  too_many_wrong_keys: { status: 429, source: "client", retryable: false },
  // 499 is nginx's "client closed request"; it is only ever logged, never sent.
  client_closed: { status: 499, source: "client", retryable: false },
  unavailable: { status: 503, source: "internal", retryable: false },
  internal: { status: 500, source: "internal", retryable: false },
};

export function proxyError(kind: ErrorKind, message: string): ProxyError {
  return { kind, message, ...TABLE[kind] };
}

export function isProxyError(x: unknown): x is ProxyError {
  return typeof x === "object" && x !== null && "kind" in x && "status" in x && "retryable" in x;
}

/** Anthropic's documented error types by status. */
function anthropicType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 413) return "request_too_large";
  if (status === 429) return "rate_limit_error";
  if (status === 529 || status === 503) return "overloaded_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}

/** Google's canonical status names, as Gemini puts them in error.status. */
function googleStatus(status: number): string {
  const names: Record<number, string> = {
    400: "INVALID_ARGUMENT",
    408: "DEADLINE_EXCEEDED",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "UNIMPLEMENTED",
    413: "INVALID_ARGUMENT",
    415: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
    508: "ABORTED",
  };
  return names[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION");
}

export function errorBody(api: Api, err: ProxyError): unknown {
  const message = `sluice: ${err.message}`;
  switch (api) {
    case "anthropic":
      return { type: "error", error: { type: anthropicType(err.status), message } };
    case "openai":
      return { error: { message, type: err.kind, param: null, code: err.kind } };
    case "gemini":
      return { error: { code: err.status, message, status: googleStatus(err.status) } };
  }
}

/** What a 405 says sluice does relay. */
export const ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

export function renderError(api: Api, err: ProxyError, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(errorBody(api, err)), {
    status: err.status,
    headers: {
      "content-type": "application/json",
      "x-sluice-error": err.kind,
      ...(err.retryAfterSec !== undefined ? { "retry-after": String(err.retryAfterSec) } : {}),
      ...(err.kind === "method_not_allowed" ? { allow: ALLOWED_METHODS } : {}),
      ...headers,
    },
  });
}
