import { describe, expect, test } from "bun:test";
import { createRecorder } from "../../../src/metrics/recorder.ts";
import { fakeClock, record } from "./records.ts";

const T0 = 1_763_712_000_000;

describe("breakdown key cap", () => {
  test('models past the cap fold into "other"', () => {
    const m = createRecorder({ now: () => T0, maxKeysPerBreakdown: 3 });
    for (const model of ["m1", "m2", "m3", "m4", "m5", "m1"]) m.end(record({ model, costUsd: 1 }));
    const rows = m.snapshot().byModel;
    expect(rows.map((r) => [r.key, r.requests])).toEqual([
      ["m1", 2],
      ["other", 2],
      ["m2", 1],
      ["m3", 1],
    ]);
    expect(rows.find((r) => r.key === "other")?.costUsd).toBe(2);
  });

  test("clients and upstreams are capped the same way", () => {
    const m = createRecorder({ now: () => T0, maxKeysPerBreakdown: 1 });
    m.end(record({ client: "a", upstream: "u1" }));
    m.end(record({ client: "b", upstream: "u2" }));
    const s = m.snapshot();
    expect(s.byClient.map((r) => r.key).sort()).toEqual(["a", "other"]);
    expect(s.byUpstream.map((r) => r.key).sort()).toEqual(["other", "u1"]);
  });

  test("sessions past the cap push out the least recently seen one", () => {
    const clock = fakeClock(T0);
    const m = createRecorder({ now: clock.now, maxKeysPerBreakdown: 3 });
    let t = T0;
    const at = (sessionId: string) => {
      t += 1000;
      clock.set(t);
      m.end(record({ sessionId }));
    };
    for (const s of ["s1", "s2", "s3", "s1", "s4", "s5"]) at(s);
    const s = m.snapshot();
    expect(s.bySession.map((r) => r.key)).toEqual(["s5", "s4", "s1"]);
    expect(s.limits.sessionsEvicted).toBe(2);
    expect(s.bySession.find((r) => r.key === "s1")?.requests).toBe(2);
  });

  test("requests without a session are not tracked per session", () => {
    const m = createRecorder({ now: () => T0 });
    m.end(record({}));
    expect(m.snapshot().bySession).toEqual([]);
  });

  test("a very long key is cut to 128 characters", () => {
    const m = createRecorder({ now: () => T0 });
    m.end(record({ model: "x".repeat(1000) }));
    expect(m.snapshot().byModel[0]?.key).toBe("x".repeat(128));
  });

  test("ten thousand distinct junk models keep the breakdown at the cap", () => {
    const m = createRecorder({ now: () => T0, maxKeysPerBreakdown: 200 });
    for (let i = 0; i < 10_000; i++) m.end(record({ model: `junk-${i}`, sessionId: `sess-${i}` }));
    const s = m.snapshot();
    expect(s.byModel.length).toBe(201);
    expect(s.byModel[0]).toMatchObject({ key: "other", requests: 9800 });
    expect(s.bySession.length).toBe(200);
    expect(s.limits.sessionsEvicted).toBe(9800);
  });
});
