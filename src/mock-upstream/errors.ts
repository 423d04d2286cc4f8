// Owns error bodies in each API's own wire format: whole-response errors for a status, and the
// error event a provider sends inside a 200 stream. Promises: pure; the shapes match what the
// official SDKs parse (Anthropic {type:"error",error:{type,message}}, OpenAI {error:{message,
// type,param,code}}, Gemini {error:{code,message,status}}).

import type { SseEvent } from "../sse/types.ts";
import type { ApiFlavor } from "./types.ts";

const ANTHROPIC_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  405: "invalid_request_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  503: "overloaded_error",
  504: "timeout_error",
  529: "overloaded_error",
};

const OPENAI_TYPES: Record<number, [type: string, code: string | null]> = {
  400: ["invalid_request_error", null],
  401: ["invalid_request_error", "invalid_api_key"],
  403: ["permission_error", null],
  404: ["invalid_request_error", null],
  405: ["invalid_request_error", null],
  413: ["invalid_request_error", null],
  429: ["requests", "rate_limit_exceeded"],
};

const GEMINI_STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  405: "INVALID_ARGUMENT",
  409: "ABORTED",
  413: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const DEFAULT_MESSAGES: Record<number, string> = {
  401: "invalid x-api-key (mock)",
  404: "not found (mock)",
  429: "rate limit exceeded (mock)",
  500: "internal server error (mock)",
  503: "service unavailable (mock)",
  504: "upstream timeout (mock)",
  529: "Overloaded",
};

export function defaultMessage(status: number): string {
  return DEFAULT_MESSAGES[status] ?? `mock error ${status}`;
}

/** The JSON body a provider returns with `status`. */
export function errorBody(flavor: ApiFlavor, status: number, message: string, requestId: string): unknown {
  switch (flavor) {
    case "anthropic":
      return {
        type: "error",
        error: {
          type: ANTHROPIC_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error"),
          message,
        },
        request_id: requestId,
      };
    case "openai": {
      const [type, code] =
        OPENAI_TYPES[status] ?? (status >= 500 ? ["server_error", null] : ["invalid_request_error", null]);
      return { error: { message, type, param: null, code } };
    }
    case "gemini":
      return { error: { code: status, message, status: GEMINI_STATUS[status] ?? "UNKNOWN" } };
  }
}

/** The overload error a provider sends inside an already-started 200 stream. */
export function streamErrorEvent(flavor: ApiFlavor): SseEvent {
  switch (flavor) {
    case "anthropic":
      return {
        event: "error",
        data: JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
      };
    case "openai":
      return {
        data: JSON.stringify({
          error: {
            message: "The server is overloaded (mock)",
            type: "server_error",
            param: null,
            code: null,
          },
        }),
      };
    case "gemini":
      return {
        data: JSON.stringify({
          error: { code: 503, message: "The model is overloaded (mock).", status: "UNAVAILABLE" },
        }),
      };
  }
}
