import { describe, expect, test } from "bun:test";
import { atEventBoundary, failureEvent, passthroughFailure } from "../../../src/proxy/stream-failure.ts";
import { isKeepAlive } from "../../../src/routing/translated-stream.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("failure events", () => {
  test("each API gets its own error shape", () => {
    expect(failureEvent("anthropic", "read_timeout", "m")).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"m"}}\n\n',
    );
    expect(JSON.parse(failureEvent("openai", "upstream_error", "m").slice(6))).toEqual({
      error: { message: "m", type: "upstream_error", param: null, code: "upstream_error" },
    });
    expect(JSON.parse(failureEvent("gemini", "read_timeout", "m").slice(6))).toEqual({
      error: { code: 504, message: "m", status: "DEADLINE_EXCEEDED" },
    });
  });

  test("are only added after a whole event, and only to event streams", () => {
    for (const end of ["", "\n\n", "\r\r", "\r\n\r\n", "x\n\n"])
      expect(atEventBoundary(bytes(end))).toBe(true);
    for (const end of ["x", "x\n", "x\r\n", '{"a']) expect(atEventBoundary(bytes(end))).toBe(false);
    const tail = bytes("\n\n");
    expect(passthroughFailure("anthropic", "text/event-stream", "upstream_error", "m", tail)).toBeDefined();
    expect(passthroughFailure("anthropic", "application/json", "upstream_error", "m", tail)).toBeUndefined();
    expect(
      passthroughFailure("anthropic", "text/event-stream", "upstream_error", "m", bytes("data: {")),
    ).toBeUndefined();
  });
});

describe("keep-alives", () => {
  test("comments and blank lines are keep-alives; data is not", () => {
    for (const k of [": OPENROUTER PROCESSING\n\n", ": ping\r\n\r\n", "\n", "\r\n", ":\n:\n"])
      expect(isKeepAlive(bytes(k))).toBe(true);
    for (const k of ["data: {}\n\n", ": ping\n\ndata: x\n\n", "event: x\n"])
      expect(isKeepAlive(bytes(k))).toBe(false);
  });
});
