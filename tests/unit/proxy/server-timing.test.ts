// The Server-Timing value: sluice's time, the retry entry only after a retry, the upstream's
// time to first byte, each at 10 µs resolution; a call with no upstream shows sluice's alone.
import { describe, expect, test } from "bun:test";
import { newExchange } from "../../../src/proxy/exchange.ts";
import { noteAnswered, noteFirstSend, serverTiming } from "../../../src/proxy/server-timing.ts";

const exchange = () => {
  const ex = newExchange("POST", "/v1/messages", "anthropic", "anthropic");
  ex.t0 = 1000;
  return ex;
};

describe("Server-Timing", () => {
  test("sluice's time before the upstream call and the upstream's time to first byte", () => {
    const ex = exchange();
    noteFirstSend(ex, 1000.4567);
    noteAnswered(ex, { sentAt: 1000.5, headersAt: 1012.345 });
    expect(serverTiming(ex, 1013)).toBe(
      'sluice;dur=0.46;desc="sluice before upstream", upstream;dur=11.85;desc="upstream time to first byte"',
    );
    expect(ex.retryMs).toBeUndefined();
  });

  test("the first send counts, not a later one; a retry shows the time from the first to the answered one", () => {
    const ex = exchange();
    noteFirstSend(ex, 1000.2);
    noteFirstSend(ex, 1300);
    ex.retries = 1;
    noteAnswered(ex, { sentAt: 1300.5, headersAt: 1310.5 });
    expect(serverTiming(ex, 1311)).toBe(
      'sluice;dur=0.2;desc="sluice before upstream", retry;dur=300.3;desc="earlier attempts and waits", ' +
        'upstream;dur=10;desc="upstream time to first byte"',
    );
  });

  test("an answer without any upstream call shows sluice's time to that answer", () => {
    const ex = exchange();
    expect(serverTiming(ex, 1002.5)).toBe('sluice;dur=2.5;desc="sluice before upstream"');
    expect(ex.sluiceMs).toBe(2.5);
  });
});
