// Linear time, checked without a clock (timings live in bench/scrub.bench.ts, which `make bench`
// runs): every detector's regex repeats only a bounded number of times, so one match attempt
// costs a bounded number of steps at each position; and the scanner's own work (regex calls,
// literal searches, overlap checks) doubles when the adversarial input doubles, never more.
import { describe, expect, test } from "bun:test";
import { DETECTORS } from "../../../src/scrub/detectors.ts";
import { createEngine } from "../../../src/scrub/engine.ts";
import type { ScanMeter } from "../../../src/scrub/scan.ts";
import { ADVERSARIAL } from "../../fixtures/scrub/adversarial.ts";

/** Quantifiers in a regex source that repeat without an upper bound (`*`, `+`, `{n,}`). */
export function unboundedQuantifiers(source: string): string[] {
  const found: string[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "*" || c === "+") found.push(`${c} at ${i}`);
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (m && m[2] !== undefined && m[3] === "") found.push(`${m[0]} at ${i}`);
    }
  }
  return found;
}

const engines = [
  createEngine({ mode: "redact", hmacKey: new Uint8Array(32) }),
  createEngine({ mode: "pseudonymize", hmacKey: new Uint8Array(32) }),
];

function steps(engine: (typeof engines)[number], text: string): number {
  const meter: ScanMeter = { steps: 0 };
  engine.scrubText(text, { meter });
  return meter.steps;
}

describe("scrubbing adversarial near-miss input is linear", () => {
  test("the bound check itself sees unbounded repetition", () => {
    expect(unboundedQuantifiers(String.raw`a+b*c{2,}[+*]\+d{1,3}`)).toEqual([
      "+ at 1",
      "* at 3",
      "{2,} at 5",
    ]);
  });

  for (const d of DETECTORS) {
    test(`${d.id}: only bounded repetition, and twice the input costs at most about twice the steps`, () => {
      expect(unboundedQuantifiers(d.pattern.source)).toEqual([]);
      for (const a of ADVERSARIAL.filter((x) => x.detector === d.id)) {
        const small = a.make(128 * 1024);
        const big = a.make(256 * 1024);
        for (const engine of engines) {
          const s = steps(engine, small);
          const b = steps(engine, big);
          if (b > 2.2 * s + 64) throw new Error(`${a.detector}/${a.name}: ${s} steps -> ${b} steps`);
        }
      }
    });
  }
});
