// W3C Trace Context: which traceparent headers are valid, how sluice's span continues one or
// starts a trace, and what the upstream gets.
import { describe, expect, test } from "bun:test";
import {
  createIdSource,
  formatTraceparent,
  parseTraceparent,
  propagateTrace,
  startContext,
} from "../../../src/telemetry/otel-context.ts";

const TRACE = "0af7651916cd43dd8448eb211c80319c";
const PARENT = "b7ad6b7169203331";
const valid = `00-${TRACE}-${PARENT}-01`;

/** An id source fed by a seeded generator (deterministic, no short period), counting refills. */
function countingIds() {
  let fills = 0;
  let state = 12345;
  const ids = createIdSource((buf) => {
    fills++;
    for (let i = 0; i < buf.length; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      buf[i] = state >>> 24;
    }
  });
  return { ids, fills: () => fills };
}

describe("parseTraceparent", () => {
  test("reads a version-00 header", () => {
    expect(parseTraceparent(valid)).toEqual({ traceId: TRACE, parentId: PARENT, flags: 1 });
    expect(parseTraceparent(` ${valid.replace(/01$/, "00")} `)).toEqual({
      traceId: TRACE,
      parentId: PARENT,
      flags: 0,
    });
  });

  test.each([
    ["missing", undefined],
    ["empty", ""],
    ["upper-case hex", valid.toUpperCase()],
    ["all-zero trace id", `00-${"0".repeat(32)}-${PARENT}-01`],
    ["all-zero parent id", `00-${TRACE}-${"0".repeat(16)}-01`],
    ["version ff", `ff-${TRACE}-${PARENT}-01`],
    ["version 00 with more fields", `${valid}-extra`],
    ["short trace id", `00-${TRACE.slice(2)}-${PARENT}-01`],
    ["wrong separators", valid.replaceAll("-", "_")],
    ["non-hex flags", `00-${TRACE}-${PARENT}-zz`],
  ])("ignores %s", (_name, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  test("a later version is read by its first four fields", () => {
    expect(parseTraceparent(`01-${TRACE}-${PARENT}-03-future`)).toEqual({
      traceId: TRACE,
      parentId: PARENT,
      flags: 3,
    });
    expect(parseTraceparent(`01-${TRACE}-${PARENT}-03x`)).toBeUndefined();
  });
});

describe("startContext", () => {
  test("a valid parent: same trace, new span, the parent's flags and sampling decision", () => {
    const { ids } = countingIds();
    const c = startContext(valid, ids);
    expect(c).toMatchObject({ traceId: TRACE, parentSpanId: PARENT, flags: 1, sampled: true });
    expect(c.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(formatTraceparent(c)).toBe(`00-${TRACE}-${c.spanId}-01`);
    expect(startContext(`00-${TRACE}-${PARENT}-00`, ids).sampled).toBe(false);
  });

  test("no parent or a bad one: a new sampled root", () => {
    const { ids } = countingIds();
    const c = startContext("garbage", ids);
    expect(c.parentSpanId).toBeUndefined();
    expect(c.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(c).toMatchObject({ flags: 1, sampled: true });
    expect(formatTraceparent(c)).toBe(`00-${c.traceId}-${c.spanId}-01`);
  });
});

describe("createIdSource", () => {
  test("ids come from one pooled buffer: a refill per 4096 bytes, not per id", () => {
    const { ids, fills } = countingIds();
    const seen = new Set<string>();
    for (let i = 0; i < 170; i++) seen.add(ids.traceId() + ids.spanId());
    expect(seen.size).toBe(170);
    expect(fills()).toBe(1);
    // 170 x 24 bytes used; the last 16 give two more span ids, then the pool refills.
    ids.spanId();
    ids.spanId();
    expect(fills()).toBe(1);
    ids.spanId();
    expect(fills()).toBe(2);
  });

  test("an all-zero draw is skipped (an all-zero id is invalid)", () => {
    let calls = 0;
    const ids = createIdSource((buf) => {
      buf.fill(calls++ === 0 ? 0 : 7);
    });
    expect(ids.spanId()).toBe("07".repeat(8));
  });
});

describe("propagateTrace", () => {
  test("sets sluice's traceparent and passes the client's tracestate", () => {
    const out = new Headers({ traceparent: valid });
    propagateTrace(out, `00-${TRACE}-1111111111111111-01`, new Headers({ tracestate: "a=1,b=2" }));
    expect(out.get("traceparent")).toBe(`00-${TRACE}-1111111111111111-01`);
    expect(out.get("tracestate")).toBe("a=1,b=2");
  });

  test("with OpenTelemetry off, leaves the headers alone", () => {
    const out = new Headers({ traceparent: valid });
    propagateTrace(out, undefined, new Headers({ tracestate: "a=1" }));
    expect(out.get("traceparent")).toBe(valid);
    expect(out.get("tracestate")).toBeNull();
  });
});
