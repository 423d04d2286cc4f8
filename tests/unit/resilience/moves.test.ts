import { describe, expect, test } from "bun:test";
import { proxyError } from "../../../src/errors.ts";
import { isTargetFailure, moveAfterAnswer, moveAfterError } from "../../../src/resilience/moves.ts";

describe("what the walk does with an answer", () => {
  test("success, redirects and client errors are delivered, pooled key or not", () => {
    for (const s of [200, 201, 204, 302, 400, 404, 413, 422]) {
      expect(moveAfterAnswer(s, true)).toBe("deliver");
      expect(moveAfterAnswer(s, false)).toBe("deliver");
    }
  });

  test("429, 401 and 403 to one of sluice's keys try another key", () => {
    for (const s of [429, 401, 403]) expect(moveAfterAnswer(s, true)).toBe("next_key");
  });

  test("401 and 403 to the client's own key are the client's to see", () => {
    expect(moveAfterAnswer(401, false)).toBe("deliver");
    expect(moveAfterAnswer(403, false)).toBe("deliver");
  });

  test("a 429 to the client's own key, and any 5xx, move on to the next target", () => {
    expect(moveAfterAnswer(429, false)).toBe("next_target");
    for (const s of [500, 502, 503, 504, 529]) expect(moveAfterAnswer(s, true)).toBe("next_target");
  });

  test("no answer moves on, unless the client left", () => {
    expect(moveAfterError(proxyError("upstream_unreachable", "x"))).toBe("next_target");
    expect(moveAfterError(proxyError("upstream_timeout", "x"))).toBe("next_target");
    expect(moveAfterError(proxyError("client_closed", "x"))).toBe("stop");
  });
});

describe("what counts against a target's health", () => {
  test("5xx and failed attempts do; answers below 500 and a client leaving do not", () => {
    expect(isTargetFailure({ status: 503 })).toBe(true);
    expect(isTargetFailure(proxyError("upstream_unreachable", "x"))).toBe(true);
    expect(isTargetFailure({ status: 429 })).toBe(false);
    expect(isTargetFailure({ status: 400 })).toBe(false);
    expect(isTargetFailure(proxyError("client_closed", "x"))).toBe(false);
  });
});
