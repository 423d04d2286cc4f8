// What a collector's answer means for a batch, by the OTLP/HTTP spec: 2xx accepted (a partial
// success counts the refused spans), 408/429/502/503/504 retried, the rest refused with a hint.
import { describe, expect, test } from "bun:test";
import { verdict } from "../../../src/telemetry/otel-client.ts";
import { encodeExportResponse } from "../../helpers/otlp-receiver.ts";

const none = new Uint8Array(0);

describe("collector verdict", () => {
  test("2xx: accepted, with a partial success's rejected spans and reason", () => {
    expect(verdict(200, none)).toEqual({ kind: "ok", failedTraces: 0 });
    expect(verdict(200, encodeExportResponse(2, "attribute too long"))).toEqual({
      kind: "ok",
      failedTraces: 2,
      reason: "attribute too long",
    });
  });

  test.each([408, 429, 502, 503, 504])("%i is retried", (status) => {
    expect(verdict(status, none)).toEqual({ kind: "retry", reason: `HTTP ${status}` });
  });

  test.each([
    [400, "HTTP 400"],
    [401, "HTTP 401 (check SLUICE_OTEL_HEADERS: the collector wants credentials)"],
    [404, "HTTP 404 (check the endpoint: spans are POSTed to <endpoint>/v1/traces)"],
    [415, "HTTP 415 (the endpoint does not take OTLP/HTTP protobuf)"],
    [302, "HTTP 302 (the endpoint redirects; configure the URL it points to)"],
    [500, "HTTP 500"],
  ])("%i is refused: %s", (status, reason) => {
    expect(verdict(status, none)).toEqual({ kind: "reject", reason });
  });
});
