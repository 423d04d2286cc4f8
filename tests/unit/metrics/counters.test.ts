// Labelled counters stay bounded, sorted and valid Prometheus whatever labels arrive.
import { expect, test } from "bun:test";
import { createCounters, LabelledCounts } from "../../../src/metrics/counters.ts";

test("labels past the cap are counted under other", () => {
  const c = new LabelledCounts(2);
  c.add("b", 1);
  c.add("a", 2);
  c.add("c", 3);
  c.add("d", 4);
  c.add("a", 1);
  expect(c.toObject()).toEqual({ a: 3, b: 1, other: 7 });
});

test("zero, negative and NaN counts are ignored", () => {
  const c = new LabelledCounts(4);
  c.add("a", 0);
  c.add("a", -2);
  c.add("a", Number.NaN);
  expect(c.toObject()).toEqual({});
});

test("extra metrics are read on demand and exposed under sluice_", () => {
  const counters = createCounters();
  let dropped = 3;
  counters.register({
    name: "langfuse_events_dropped",
    help: "Events dropped.",
    type: "counter",
    read: () => dropped,
  });
  dropped = 5;
  expect(counters.snapshot().extra).toEqual({ langfuse_events_dropped: 5 });
  const text = counters.prometheus();
  expect(text).toContain("# TYPE sluice_langfuse_events_dropped counter\nsluice_langfuse_events_dropped 5\n");
});

test("an extra metric that throws or returns NaN reads as 0", () => {
  const counters = createCounters();
  counters.register({
    name: "broken",
    help: "x",
    type: "gauge",
    read: () => {
      throw new Error("boom");
    },
  });
  counters.register({ name: "nan", help: "x", type: "gauge", read: () => Number.NaN });
  expect(counters.snapshot().extra).toEqual({ broken: 0, nan: 0 });
});

test("bad or duplicate metric names are refused", () => {
  const counters = createCounters();
  const m = { help: "x", type: "gauge" as const, read: () => 1 };
  expect(() => counters.register({ ...m, name: "Bad-Name" })).toThrow(RangeError);
  counters.register({ ...m, name: "ok" });
  expect(() => counters.register({ ...m, name: "ok" })).toThrow(RangeError);
});

test("detector and feature labels are escaped in the exposition", () => {
  const counters = createCounters();
  counters.scrub.add('we"ird\\name', 2);
  counters.drops.add("betas", 1);
  const text = counters.prometheus();
  expect(text).toContain('sluice_scrub_detector_hits_total{detector="we\\"ird\\\\name"} 2');
  expect(text).toContain('sluice_translation_dropped_total{feature="betas"} 1');
  expect(text.endsWith("\n")).toBe(true);
});
