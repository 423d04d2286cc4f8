// Errors in Anthropic's format: an OpenAI-style upstream error (any status, any body shape that
// compatible servers send) mapped to Anthropic's status and error type, and sluice's own 400s.
// Promises: pure; always returns a well-formed body with a non-empty message.
import type { AnthropicErrorBody, ErrorType } from "./anthropic-types.ts";

/** Anthropic's error type for an HTTP status (their documented table; other 4xx -> invalid request). */
export function errorTypeForStatus(status: number): ErrorType {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 408:
    case 504:
      return "timeout_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 503:
    case 529:
      return "overloaded_error";
    default:
      return status >= 400 && status < 500 ? "invalid_request_error" : "api_error";
  }
}

export function anthropicError(type: ErrorType, message: string): AnthropicErrorBody {
  return { type: "error", error: { type, message } };
}

/** sluice's own answer to a body that failed validation. */
export function invalidRequest(issues: readonly string[]): { status: 400; body: AnthropicErrorBody } {
  const message = issues.length > 0 ? issues.join("; ") : "invalid request body";
  return { status: 400, body: anthropicError("invalid_request_error", message) };
}

const field = (o: unknown, key: string): unknown =>
  typeof o === "object" && o !== null ? (o as Record<string, unknown>)[key] : undefined;

const text = (x: unknown): string | undefined => (typeof x === "string" && x.trim() !== "" ? x : undefined);

/**
 * The message and code an error body carries. Shapes seen: OpenAI `{error: {message, type, code}}`,
 * `{error: "text"}`, vLLM / FastAPI `{message}` or `{detail}`, or a plain string body.
 */
function describe(body: unknown): { message?: string; code?: string } {
  if (typeof body === "string") return { message: text(body) };
  const inner = field(body, "error");
  const source = typeof inner === "object" && inner !== null ? inner : body;
  const message =
    text(field(source, "message")) ??
    text(inner) ??
    text(field(body, "message")) ??
    detailText(field(body, "detail"));
  const codes = [field(source, "code"), field(source, "type")].filter((c) => typeof c === "string");
  return { message, code: codes.join(" ") || undefined };
}

function detailText(detail: unknown): string | undefined {
  if (typeof detail === "string") return text(detail);
  if (detail === undefined) return undefined;
  return JSON.stringify(detail);
}

/**
 * An upstream (OpenAI-compatible) error as Anthropic would send it. The status is kept except
 * where the error's own code says more: an exhausted quota is a billing problem (retrying cannot
 * help), a rate limit reported under another status is a 429; an overloaded 503 is Anthropic's 529.
 */
export function mapChatError(status: number, body: unknown): { status: number; body: AnthropicErrorBody } {
  const { message, code = "" } = describe(body);
  let mapped = status >= 400 && status <= 599 ? status : 500;
  if (code.includes("insufficient_quota")) mapped = 402;
  else if (code.includes("rate_limit") && mapped !== 429) mapped = 429;
  // Anthropic says "overloaded" with 529; Claude Code backs off on that, as it does with Anthropic.
  else if (mapped === 503) mapped = 529;
  const type = errorTypeForStatus(mapped);
  return { status: mapped, body: anthropicError(type, message ?? `upstream answered HTTP ${status}`) };
}

/**
 * True when a backend's 400 says it does not take stream_options / include_usage (vLLM before
 * 0.5, some llama.cpp and proxy builds answer so), so the request may go again without it.
 */
export function refusesStreamUsage(errorText: string): boolean {
  const t = errorText.toLowerCase();
  return t.includes("stream_options") || t.includes("include_usage");
}
