// Failures are level ERROR with the reason as status message; answers cut short or abandoned
// by the client are WARNING; everything else is DEFAULT with no message.
import { describe, expect, test } from "bun:test";
import { levelOf } from "../../../src/telemetry/generation.ts";
import { finishedExchange } from "./fixture.ts";

describe("level and status message", () => {
  test("an upstream 5xx is an ERROR with sluice's reason", () => {
    expect(
      levelOf(finishedExchange({ status: 502, outcome: "error", error: "connect failed: 127.0.0.1:9" })),
    ).toEqual({
      level: "ERROR",
      statusMessage: "connect failed: 127.0.0.1:9",
    });
  });

  test("an upstream 4xx is an ERROR with the upstream's own summary", () => {
    expect(
      levelOf(finishedExchange({ status: 400, upstreamError: "invalid_request_error: max_tokens required" })),
    ).toEqual({ level: "ERROR", statusMessage: "invalid_request_error: max_tokens required" });
    expect(levelOf(finishedExchange({ status: 404 }))).toEqual({
      level: "ERROR",
      statusMessage: "upstream answered 404",
    });
  });

  test("an error event inside a 200 stream is an ERROR", () => {
    expect(levelOf(finishedExchange({ upstreamError: "overloaded_error: Overloaded" }))).toEqual({
      level: "ERROR",
      statusMessage: "overloaded_error: Overloaded",
    });
  });

  test("a stream that ended early or a client that left is a WARNING", () => {
    expect(
      levelOf(finishedExchange({ outcome: "incomplete", error: "upstream stream ended abnormally" })),
    ).toEqual({
      level: "WARNING",
      statusMessage: "upstream stream ended abnormally",
    });
    expect(levelOf(finishedExchange({ outcome: "client_closed" }))).toEqual({
      level: "WARNING",
      statusMessage: "client closed the connection",
    });
  });

  test("a normal answer is DEFAULT without a message", () => {
    expect(levelOf(finishedExchange())).toEqual({ level: "DEFAULT" });
  });
});
