// Requests refused up front with a 4xx: TRACE and CONNECT, broken percent-encoding in the path,
// control bytes in a header value. Everything else passes.
import { describe, expect, test } from "bun:test";
import { requestProblem } from "../../../src/proxy/request-check.ts";

const ok = new Headers({ "content-type": "application/json", "x-api-key": "k\ty" });

describe("requestProblem", () => {
  test("refuses TRACE, TRACK and CONNECT with 405", () => {
    for (const m of ["TRACE", "trace", "TRACK", "CONNECT"]) {
      expect(requestProblem(m, "/v1/messages", ok)).toMatchObject({
        status: 405,
        kind: "method_not_allowed",
      });
    }
    for (const m of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]) {
      expect(requestProblem(m, "/v1/messages", ok)).toBeUndefined();
    }
  });

  test("refuses a path whose percent-encoding does not decode with 400", () => {
    for (const path of ["/v1beta/models/gem%zzini:generateContent", "/v1/%", "/v1/%C3%28", "/v1/a%2"]) {
      expect(requestProblem("POST", path, ok)).toMatchObject({ status: 400, kind: "bad_request" });
    }
    for (const path of ["/v1/messages", "/v1beta/models/gemini%2D2.5:generateContent", "/v1/%E2%9C%93"]) {
      expect(requestProblem("POST", path, ok)).toBeUndefined();
    }
  });

  test("refuses control bytes in a header value with 400, naming the header, never the value", () => {
    for (const bad of ["a\x7fb", "a\x01b", "a\x1bb"]) {
      const r = requestProblem("POST", "/v1/messages", new Headers([["x-secret-thing", bad]]));
      expect(r).toMatchObject({ status: 400, kind: "bad_request" });
      expect(r!.message).toContain("x-secret-thing");
      expect(r!.message).not.toContain(bad);
    }
  });
});
