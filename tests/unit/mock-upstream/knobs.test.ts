import { describe, expect, test } from "bun:test";
import { DEFAULT_EVENTS, parseKnobs, StatusSequences } from "../../../src/mock-upstream/knobs.ts";
import type { Knobs } from "../../../src/mock-upstream/types.ts";

const parse = (headers: Record<string, string>, defaults = {}) => parseKnobs(new Headers(headers), defaults);

describe("parseKnobs", () => {
  test("uses the CLI defaults when no header is given", () => {
    const r = parse({}, { latencyMs: 5, gapMs: 7, events: 3 });
    expect(r.ok && r.knobs).toMatchObject({ latencyMs: 5, gapMs: 7, events: 3, gzip: false, cache: "auto" });
    const plain = parse({});
    expect(plain.ok && plain.knobs.events).toBe(DEFAULT_EVENTS);
  });

  test("lets headers override the defaults", () => {
    const r = parse(
      {
        "x-mock-latency-ms": "10",
        "x-mock-gap-ms": "2",
        "x-mock-events": "4",
        "x-mock-status": "529, 200",
        "x-mock-key": "k",
        "x-mock-retry-after": "1",
        "x-mock-reset-after": "3",
        "x-mock-stream-error": "2",
        "x-mock-gzip": "1",
        "x-mock-redirect": "http://127.0.0.1:1/x",
        "x-mock-body-bytes": "4096",
        "x-mock-cache": "write",
      },
      { latencyMs: 99 },
    );
    expect(r.ok && r.knobs).toEqual({
      latencyMs: 10,
      gapMs: 2,
      events: 4,
      status: { raw: "529, 200", codes: [529, 200] },
      key: "k",
      retryAfter: "1",
      resetAfter: 3,
      streamErrorAfter: 2,
      gzip: true,
      redirect: "http://127.0.0.1:1/x",
      bodyBytes: 4096,
      cache: "write",
    });
  });

  test("reads a non-numeric x-mock-stream-error as 'after the first event'", () => {
    const r = parse({ "x-mock-stream-error": "true" });
    expect(r.ok && r.knobs.streamErrorAfter).toBe(1);
  });

  test("names every bad header at once", () => {
    const r = parse({ "x-mock-events": "0", "x-mock-status": "abc", "x-mock-cache": "maybe" });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain("x-mock-events");
      expect(r.message).toContain("x-mock-status");
      expect(r.message).toContain("x-mock-cache");
    }
  });
});

describe("StatusSequences", () => {
  const knobs = (raw: string, key = ""): Knobs => ({
    latencyMs: 0,
    gapMs: 0,
    events: 1,
    gzip: false,
    cache: "auto",
    key,
    status: { raw, codes: raw.split(",").map(Number) },
  });

  test("gives the Nth request the Nth status and repeats the last one", () => {
    const s = new StatusSequences();
    expect([1, 2, 3, 4].map(() => s.next(knobs("529,503,200")))).toEqual([529, 503, 200, 200]);
  });

  test("counts each x-mock-key separately and starts over after reset", () => {
    const s = new StatusSequences();
    expect(s.next(knobs("500,200", "a"))).toBe(500);
    expect(s.next(knobs("500,200", "b"))).toBe(500);
    expect(s.next(knobs("500,200", "a"))).toBe(200);
    s.reset();
    expect(s.next(knobs("500,200", "a"))).toBe(500);
  });
});
