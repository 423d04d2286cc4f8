// Linear time: 4x the adversarial input may cost about 4x the time, never 16x. Ratios only (with
// slack for a busy machine); the absolute targets live in bench/scrub.bench.ts.
import { describe, expect, test } from "bun:test";
import { DETECTORS } from "../../../src/scrub/detectors.ts";
import { createScrubber } from "../../../src/scrub/scrub.ts";
import { ADVERSARIAL } from "../../fixtures/scrub/adversarial.ts";

const scrubbers = [
  createScrubber({ mode: "redact", hmacKey: new Uint8Array(32) }),
  createScrubber({ mode: "pseudonymize", hmacKey: new Uint8Array(32) }),
];

function bestMs(run: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const start = Bun.nanoseconds();
    run();
    best = Math.min(best, (Bun.nanoseconds() - start) / 1e6);
  }
  return best;
}

describe("scrubbing adversarial near-miss input is linear", () => {
  for (const d of DETECTORS) {
    test(`${d.id}: 1 MB costs less than 8x 256 KB`, () => {
      for (const a of ADVERSARIAL.filter((x) => x.detector === d.id)) {
        const small = a.make(256 * 1024);
        const big = a.make(1024 * 1024);
        for (const s of scrubbers) {
          const tSmall = bestMs(() => s.scrubText(small));
          const tBig = bestMs(() => s.scrubText(big));
          // The constant absorbs timer noise when both are tiny; a quadratic pattern would take
          // seconds here, not milliseconds.
          if (tBig > 8 * tSmall + 10) throw new Error(`${a.detector}/${a.name}: ${tSmall} ms -> ${tBig} ms`);
          expect(tBig).toBeLessThan(8 * tSmall + 10);
        }
      }
    });
  }
});
