// W3C Trace Context for sluice's span: reads the client's `traceparent`, makes the ids of the
// span sluice records, and writes the `traceparent` the upstream gets (sluice's span as its
// parent). Pure apart from the id source, which draws from a pooled crypto buffer so the
// request path pays for one getRandomValues call per 170 requests, not one per id.
// Promises: a malformed header is ignored (a new trace starts), never an error; tracestate
// passes through unchanged.

/** The parts of a valid traceparent header (version 00 semantics). */
export interface Traceparent {
  traceId: string;
  parentId: string;
  /** The trace-flags byte; bit 0 = sampled. */
  flags: number;
}

/** The context of the span sluice records for one exchange. */
export interface SpanContext {
  traceId: string;
  spanId: string;
  /** The client's span, when it sent a valid traceparent. */
  parentSpanId?: string;
  flags: number;
  /** The parent decided not to sample: the span is propagated but not exported. */
  sampled: boolean;
}

/** Lower-case hex of the given length at `from`, and not all zeros (when `nonZero`). */
function hexAt(v: string, from: number, len: number, nonZero: boolean): boolean {
  let any = false;
  for (let i = from; i < from + len; i++) {
    const c = v.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    if (!digit && !(c >= 97 && c <= 102)) return false;
    if (c !== 48) any = true;
  }
  return any || !nonZero;
}

/**
 * Parses a traceparent by the W3C rules: lower-case hex, no all-zero ids, version ff invalid,
 * version 00 exactly 55 characters, later versions read by their first four fields.
 */
export function parseTraceparent(value: string | undefined | null): Traceparent | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (v.length < 55) return undefined;
  if (!hexAt(v, 0, 2, false) || v.startsWith("ff")) return undefined;
  if (v.startsWith("00") ? v.length !== 55 : v.length > 55 && v[55] !== "-") return undefined;
  if (v[2] !== "-" || v[35] !== "-" || v[52] !== "-") return undefined;
  if (!hexAt(v, 3, 32, true) || !hexAt(v, 36, 16, true) || !hexAt(v, 53, 2, false)) return undefined;
  return { traceId: v.slice(3, 35), parentId: v.slice(36, 52), flags: Number.parseInt(v.slice(53, 55), 16) };
}

export const formatTraceparent = (c: SpanContext): string =>
  `00-${c.traceId}-${c.spanId}-${c.flags.toString(16).padStart(2, "0")}`;

export interface IdSource {
  /** 16 random bytes as 32 hex characters, never all zeros. */
  traceId(): string;
  /** 8 random bytes as 16 hex characters, never all zeros. */
  spanId(): string;
}

export function createIdSource(fill: (buf: Uint8Array) => void = (b) => crypto.getRandomValues(b)): IdSource {
  const pool = Buffer.alloc(4096);
  let at = pool.length;
  const hex = (n: number): string => {
    for (;;) {
      if (at + n > pool.length) {
        fill(pool);
        at = 0;
      }
      let any = 0;
      for (let i = at; i < at + n; i++) any |= pool[i]!;
      const s = pool.toString("hex", at, at + n);
      at += n;
      if (any !== 0) return s;
    }
  };
  return { traceId: () => hex(16), spanId: () => hex(8) };
}

/**
 * The span's context: a child of the client's span when its traceparent is valid (keeping its
 * trace id and flags, and its sampling decision), else the root of a new, sampled trace.
 */
export function startContext(incoming: string | undefined, ids: IdSource): SpanContext {
  const parent = parseTraceparent(incoming);
  if (!parent) return { traceId: ids.traceId(), spanId: ids.spanId(), flags: 1, sampled: true };
  return {
    traceId: parent.traceId,
    spanId: ids.spanId(),
    parentSpanId: parent.parentId,
    flags: parent.flags,
    sampled: (parent.flags & 1) === 1,
  };
}

/**
 * Puts the trace context on an upstream request: sluice's traceparent (when OpenTelemetry is
 * on) and the client's tracestate, which no vendor entry of sluice's changes.
 */
export function propagateTrace(out: Headers, traceparent: string | undefined, incoming: Headers): void {
  if (traceparent === undefined) return;
  out.set("traceparent", traceparent);
  const state = incoming.get("tracestate");
  if (state) out.set("tracestate", state);
}
