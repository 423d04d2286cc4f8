// The hand-written OTLP protobuf encoding, decoded with classes generated from the official
// opentelemetry-proto definitions: every value type, ids as bytes, nanosecond times beyond
// 2^53, status, flags, trace state, lengths that need multi-byte varints, and UTF-8.
import { describe, expect, test } from "bun:test";
import {
  decodePartialSuccess,
  encodeRequest,
  envelope,
  type SpanData,
} from "../../../src/telemetry/otel-proto.ts";
import { decodeTraces, encodeExportResponse } from "../../helpers/otlp-receiver.ts";

const scope = { name: "sluice", version: "9.9.9", schemaUrl: "https://opentelemetry.io/schemas/1.41.0" };

const span = (over: Partial<SpanData> = {}): SpanData => ({
  traceId: "0af7651916cd43dd8448eb211c80319c",
  spanId: "b7ad6b7169203331",
  parentSpanId: "00f067aa0ba902b7",
  traceState: "congo=t61rcWkgMzE",
  flags: 0x301,
  name: "chat claude-sonnet-4-5",
  kind: 3,
  startNs: 1_796_412_222_346_074_219n,
  endNs: 1_796_412_223_357_028_088n,
  attributes: [],
  status: { code: 0 },
  ...over,
});

const env = envelope([{ key: "service.name", value: { s: "sluice" } }], scope);
const roundTrip = (spans: SpanData[]) => decodeTraces(encodeRequest(env, spans));

describe("OTLP protobuf encoding", () => {
  test("ids, names, kind, times, flags and trace state decode as sent", () => {
    const [s] = roundTrip([span()]);
    expect(s).toMatchObject({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      parentSpanId: "00f067aa0ba902b7",
      traceState: "congo=t61rcWkgMzE",
      flags: 0x301,
      name: "chat claude-sonnet-4-5",
      kind: 3,
      startNs: 1_796_412_222_346_074_219n,
      endNs: 1_796_412_223_357_028_088n,
      resource: { "service.name": "sluice" },
      scope,
    });
  });

  test("every attribute value type", () => {
    const [s] = roundTrip([
      span({
        attributes: [
          { key: "str", value: { s: "héllo ✓ 𝄞" } },
          { key: "int", value: { i: 1_234_567_890_123 } },
          { key: "neg", value: { i: -42 } },
          { key: "zero", value: { i: 0 } },
          { key: "dbl", value: { d: 0.000156 } },
          { key: "yes", value: { b: true } },
          { key: "no", value: { b: false } },
          { key: "arr", value: { a: ["end_turn", "ü"] } },
          { key: "empty", value: { a: [] } },
        ],
      }),
    ]);
    expect(s!.attributes).toEqual({
      str: "héllo ✓ 𝄞",
      int: 1_234_567_890_123,
      neg: -42,
      zero: 0,
      dbl: 0.000156,
      yes: true,
      no: false,
      arr: ["end_turn", "ü"],
      empty: [],
    });
  });

  test("values whose lengths need two and three varint bytes survive", () => {
    const long = "x".repeat(200);
    const longer = "y".repeat(70_000);
    const [s] = roundTrip([span({ name: long, attributes: [{ key: "big", value: { s: longer } }] })]);
    expect(s!.name).toBe(long);
    expect(s!.attributes.big).toBe(longer);
  });

  test("an error status with its message; a root span has no parent", () => {
    const {
      parentSpanId: _,
      traceState: __,
      ...root
    } = span({ status: { code: 2, message: "upstream_timeout" } });
    const [s] = roundTrip([root]);
    expect(s!.status).toEqual({ code: 2, message: "upstream_timeout" });
    expect(s!.parentSpanId).toBeUndefined();
  });

  test("many spans in one request keep their order", () => {
    const spans = Array.from({ length: 50 }, (_, i) => span({ name: `s${i}` }));
    expect(roundTrip(spans).map((s) => s.name)).toEqual(spans.map((s) => s.name));
  });

  test("envelope lengths of every size decode (one, two and three varint bytes), and requests do not bleed", () => {
    for (const n of [0, 1, 3, 120, 2000]) {
      const spans = Array.from({ length: n }, (_, i) => span({ name: `n${n}-${i}` }));
      const got = roundTrip(spans);
      expect(got).toHaveLength(n);
      if (n > 0) expect(got.at(-1)!.name).toBe(`n${n}-${n - 1}`);
      for (const s of got) expect(s.scope.schemaUrl).toBe(scope.schemaUrl);
    }
  });
});

describe("decodePartialSuccess", () => {
  test("reads rejected spans and the message from an ExportTraceServiceResponse", () => {
    expect(decodePartialSuccess(encodeExportResponse(3, "too big"))).toEqual({
      rejectedSpans: 3,
      errorMessage: "too big",
    });
    expect(decodePartialSuccess(encodeExportResponse(0))).toEqual({ rejectedSpans: 0 });
  });

  test("an empty or foreign answer means nothing was rejected", () => {
    expect(decodePartialSuccess(new Uint8Array(0))).toEqual({ rejectedSpans: 0 });
    expect(decodePartialSuccess(new TextEncoder().encode('{"partialSuccess":{}}'))).toEqual({
      rejectedSpans: 0,
    });
  });
});
