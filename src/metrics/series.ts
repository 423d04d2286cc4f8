// Per-second rolling window: counters per second plus a latency histogram per second, kept in
// preallocated typed arrays. Promises fixed memory for a given length, O(1) amortized recording
// (each elapsed second is cleared once) and window percentiles without sorting anything.

import { BUCKETS, bucketOf, quantile } from "./histogram.ts";

/** Per-second arrays, oldest first; element i covers second `startSec + i` (epoch seconds). */
export interface SeriesSnapshot {
  /** Epoch second of the first element. */
  startSec: number;
  /** Seconds per element (always 1). */
  stepSec: 1;
  /** Requests that finished in that second. */
  requests: number[];
  /** Of those, the ones counted as errors. */
  errors: number[];
  /** Output tokens reported by the requests that finished in that second. */
  outputTokens: number[];
  /** Request body bytes received from clients, for requests finished in that second. */
  bytesIn: number[];
  /** Response bytes sent to clients, for requests finished in that second. */
  bytesOut: number[];
  /** Peak number of requests in flight during that second. */
  inFlight: number[];
  /** Median latency (bucket upper bound, ms) of the requests finished in that second, or null. */
  latencyP50Ms: (number | null)[];
}

export interface Observation {
  error: boolean;
  outputTokens: number;
  bytesIn: number;
  bytesOut: number;
  durationMs: number;
  ttfbMs: number | undefined;
}

export class RollingSeries {
  readonly seconds: number;
  readonly #requests: Float64Array;
  readonly #errors: Float64Array;
  readonly #outputTokens: Float64Array;
  readonly #bytesIn: Float64Array;
  readonly #bytesOut: Float64Array;
  readonly #inFlight: Float64Array;
  readonly #ttfbCount: Float64Array;
  readonly #latencyRows: Uint32Array;
  readonly #ttfbRows: Uint32Array;
  /** Sums of the rows currently in the window. */
  readonly latencyWindow = new Float64Array(BUCKETS);
  readonly ttfbWindow = new Float64Array(BUCKETS);
  latencyWindowCount = 0;
  ttfbWindowCount = 0;
  #head = 0;
  #headSec: number;

  constructor(seconds: number, nowSec: number) {
    if (!Number.isInteger(seconds) || seconds < 1) throw new RangeError(`series length ${seconds}`);
    this.seconds = seconds;
    this.#requests = new Float64Array(seconds);
    this.#errors = new Float64Array(seconds);
    this.#outputTokens = new Float64Array(seconds);
    this.#bytesIn = new Float64Array(seconds);
    this.#bytesOut = new Float64Array(seconds);
    this.#inFlight = new Float64Array(seconds);
    this.#ttfbCount = new Float64Array(seconds);
    this.#latencyRows = new Uint32Array(seconds * BUCKETS);
    this.#ttfbRows = new Uint32Array(seconds * BUCKETS);
    this.#headSec = nowSec;
  }

  /** Moves the window to `nowSec`, clearing the seconds that went by; returns the current slot. */
  advance(nowSec: number, inFlight: number): number {
    if (nowSec <= this.#headSec) return this.#head; // a clock that steps back stays in the current second
    const steps = Math.min(nowSec - this.#headSec, this.seconds);
    for (let s = 0; s < steps; s++) {
      this.#head = this.#head + 1 === this.seconds ? 0 : this.#head + 1;
      this.#clear(this.#head, inFlight);
    }
    this.#headSec = nowSec;
    return this.#head;
  }

  /** Notes the in-flight count right after a request began. */
  noteInFlight(nowSec: number, inFlight: number): void {
    const i = this.advance(nowSec, inFlight);
    if (inFlight > this.#inFlight[i]!) this.#inFlight[i] = inFlight;
  }

  /** Counts one finished request in the current second. */
  observe(nowSec: number, inFlight: number, o: Observation): void {
    const i = this.advance(nowSec, inFlight);
    this.#requests[i]!++;
    if (o.error) this.#errors[i]!++;
    this.#outputTokens[i]! += o.outputTokens;
    this.#bytesIn[i]! += o.bytesIn;
    this.#bytesOut[i]! += o.bytesOut;
    const b = bucketOf(o.durationMs);
    this.#latencyRows[i * BUCKETS + b]!++;
    this.latencyWindow[b]!++;
    this.latencyWindowCount++;
    if (o.ttfbMs !== undefined) {
      const t = bucketOf(o.ttfbMs);
      this.#ttfbRows[i * BUCKETS + t]!++;
      this.ttfbWindow[t]!++;
      this.ttfbWindowCount++;
      this.#ttfbCount[i]!++;
    }
  }

  snapshot(nowSec: number, inFlight: number): SeriesSnapshot {
    this.advance(nowSec, inFlight);
    const n = this.seconds;
    const out: SeriesSnapshot = {
      startSec: this.#headSec - n + 1,
      stepSec: 1,
      requests: new Array<number>(n),
      errors: new Array<number>(n),
      outputTokens: new Array<number>(n),
      bytesIn: new Array<number>(n),
      bytesOut: new Array<number>(n),
      inFlight: new Array<number>(n),
      latencyP50Ms: new Array<number | null>(n),
    };
    for (let k = 0; k < n; k++) {
      const i = (this.#head + 1 + k) % n;
      out.requests[k] = this.#requests[i]!;
      out.errors[k] = this.#errors[i]!;
      out.outputTokens[k] = this.#outputTokens[i]!;
      out.bytesIn[k] = this.#bytesIn[i]!;
      out.bytesOut[k] = this.#bytesOut[i]!;
      out.inFlight[k] = this.#inFlight[i]!;
      out.latencyP50Ms[k] = quantile(this.#latencyRows, this.#requests[i]!, 0.5, i * BUCKETS);
    }
    return out;
  }

  #clear(i: number, inFlight: number): void {
    const base = i * BUCKETS;
    if (this.#requests[i]! > 0) {
      for (let b = 0; b < BUCKETS; b++) {
        const c = this.#latencyRows[base + b]!;
        if (c === 0) continue;
        this.latencyWindow[b]! -= c;
        this.#latencyRows[base + b] = 0;
      }
      this.latencyWindowCount -= this.#requests[i]!;
    }
    if (this.#ttfbCount[i]! > 0) {
      for (let b = 0; b < BUCKETS; b++) {
        const c = this.#ttfbRows[base + b]!;
        if (c === 0) continue;
        this.ttfbWindow[b]! -= c;
        this.#ttfbRows[base + b] = 0;
      }
      this.ttfbWindowCount -= this.#ttfbCount[i]!;
    }
    this.#requests[i] = 0;
    this.#errors[i] = 0;
    this.#outputTokens[i] = 0;
    this.#bytesIn[i] = 0;
    this.#bytesOut[i] = 0;
    this.#ttfbCount[i] = 0;
    this.#inFlight[i] = inFlight;
  }
}
