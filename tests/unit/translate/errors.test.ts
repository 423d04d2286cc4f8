import { describe, expect, test } from "bun:test";
import type { ErrorType } from "../../../src/translate/anthropic-types.ts";
import { invalidRequest, mapChatError } from "../../../src/translate/errors.ts";

describe("mapChatError", () => {
  const table: Array<[number, unknown, number, ErrorType, string]> = [
    [
      400,
      { error: { message: "bad param", type: "invalid_request_error" } },
      400,
      "invalid_request_error",
      "bad param",
    ],
    [
      401,
      { error: { message: "Incorrect API key", code: "invalid_api_key" } },
      401,
      "authentication_error",
      "Incorrect API key",
    ],
    [403, { error: { message: "no access" } }, 403, "permission_error", "no access"],
    [404, { error: { message: "model not found" } }, 404, "not_found_error", "model not found"],
    [413, "payload too large", 413, "request_too_large", "payload too large"],
    [
      422,
      { detail: [{ loc: ["body", "x"], msg: "bad" }] },
      422,
      "invalid_request_error",
      '[{"loc":["body","x"],"msg":"bad"}]',
    ],
    [
      429,
      { error: { message: "slow down", type: "rate_limit_exceeded" } },
      429,
      "rate_limit_error",
      "slow down",
    ],
    [
      429,
      { error: { message: "You exceeded your current quota", code: "insufficient_quota" } },
      402,
      "billing_error",
      "You exceeded your current quota",
    ],
    [
      400,
      { error: { message: "Rate limit reached", code: "rate_limit_exceeded" } },
      429,
      "rate_limit_error",
      "Rate limit reached",
    ],
    [500, { error: { message: "boom" } }, 500, "api_error", "boom"],
    [502, {}, 502, "api_error", "upstream answered HTTP 502"],
    [503, { object: "error", message: "engine overloaded" }, 529, "overloaded_error", "engine overloaded"],
    [529, { error: { message: "Overloaded" } }, 529, "overloaded_error", "Overloaded"],
    [529, { error: "Overloaded" }, 529, "overloaded_error", "Overloaded"],
    [504, null, 504, "timeout_error", "upstream answered HTTP 504"],
    [418, { error: { message: "teapot" } }, 418, "invalid_request_error", "teapot"],
  ];
  for (const [status, body, wantStatus, type, message] of table) {
    test(`maps HTTP ${status} ${JSON.stringify(body)} to ${wantStatus} ${type}`, () => {
      expect(mapChatError(status, body)).toEqual({
        status: wantStatus,
        body: { type: "error", error: { type, message } },
      });
    });
  }

  test("treats a non-error status (an error inside a 200 stream) as a 500 api_error", () => {
    expect(mapChatError(200, { error: { message: "mid-stream failure" } }).status).toBe(500);
  });
});

describe("invalidRequest", () => {
  test("joins the validation issues into one 400 message", () => {
    expect(invalidRequest(["model: field required", "max_tokens: field required"])).toEqual({
      status: 400,
      body: {
        type: "error",
        error: {
          type: "invalid_request_error",
          message: "model: field required; max_tokens: field required",
        },
      },
    });
  });
});
