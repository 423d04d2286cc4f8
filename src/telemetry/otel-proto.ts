// OTLP/HTTP's binary protobuf encoding of spans (opentelemetry-proto: collector/trace/v1,
// trace/v1, common/v1, resource/v1), written by hand: the only messages sluice sends, and the
// one it reads back (the partial-success answer). Pure. Field numbers are those of the .proto
// files; tests decode the output with code generated from them (tests/helpers/otlp-receiver.ts).
// Promises: ids are sent as bytes (hex in, 16 and 8 bytes out), times as fixed64 nanoseconds,
// ints as varint int64, and a nested message's length is back-patched, never computed twice.
import { LEN, Reader, shared, VARINT, varintSize, type Writer } from "./otel-wire.ts";

export type AnyValue = { s: string } | { b: boolean } | { i: number } | { d: number } | { a: string[] };

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export const SPAN_KIND_CLIENT = 3;
export const STATUS_UNSET = 0;
export const STATUS_ERROR = 2;
/** Span.flags bits 8 and 9: whether the parent is known to be remote, and that it is. */
export const FLAG_HAS_IS_REMOTE = 0x100;
export const FLAG_IS_REMOTE = 0x200;

export interface SpanData {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  /** W3C trace flags in bits 0-7, plus the is-remote bits. */
  flags: number;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: KeyValue[];
  status: { code: number; message?: string };
}

export interface Scope {
  name: string;
  version: string;
  /** The semantic-conventions schema the attributes follow. */
  schemaUrl: string;
}

function anyValue(w: Writer, field: number, v: AnyValue): void {
  const at = w.begin(field);
  if ("s" in v) w.string(1, v.s);
  else if ("b" in v) {
    w.tag(2, VARINT);
    w.varint(v.b ? 1 : 0);
  } else if ("i" in v) {
    w.tag(3, VARINT);
    w.varint(v.i);
  } else if ("d" in v) w.double(4, v.d);
  else {
    const arr = w.begin(5);
    for (const s of v.a) anyValue(w, 1, { s });
    w.end(arr);
  }
  w.end(at);
}

/** Attribute keys come from a small fixed set: each is encoded once (field tag, length, bytes). */
const keyFields = new Map<string, Uint8Array>();

function keyField(w: Writer, key: string): void {
  let bytes = keyFields.get(key);
  if (bytes === undefined) {
    const start = w.pos;
    w.string(1, key);
    bytes = w.buf.slice(start, w.pos);
    if (keyFields.size < 1024) keyFields.set(key, bytes);
    return;
  }
  w.raw(bytes);
}

function keyValues(w: Writer, field: number, kvs: KeyValue[]): void {
  for (const kv of kvs) {
    const at = w.begin(field);
    keyField(w, kv.key);
    anyValue(w, 2, kv.value);
    w.end(at);
  }
}

/** ScopeSpans.spans entry: one trace.v1.Span with its field tag and length. */
function span(w: Writer, s: SpanData): void {
  const at = w.begin(2);
  w.hex(1, s.traceId);
  w.hex(2, s.spanId);
  if (s.traceState) w.string(3, s.traceState);
  if (s.parentSpanId) w.hex(4, s.parentSpanId);
  w.string(5, s.name);
  w.tag(6, VARINT);
  w.varint(s.kind);
  w.fixed64(7, s.startNs);
  w.fixed64(8, s.endNs);
  keyValues(w, 9, s.attributes);
  const status = w.begin(15);
  if (s.status.message) w.string(2, s.status.message);
  if (s.status.code !== STATUS_UNSET) {
    w.tag(3, VARINT);
    w.varint(s.status.code);
  }
  w.end(status);
  w.fixed32(16, s.flags);
  w.end(at);
}

/** The parts of a request that are the same for every batch, encoded once. */
export interface Envelope {
  resource: Uint8Array;
  scope: Uint8Array;
  schema: Uint8Array;
}

export function envelope(resource: KeyValue[], scope: Scope): Envelope {
  const w = shared;
  const res = w.begin(1);
  keyValues(w, 1, resource);
  w.end(res);
  const resourceField = w.take();
  const sc = w.begin(1);
  w.string(1, scope.name);
  w.string(2, scope.version);
  w.end(sc);
  const scopeField = w.take();
  w.string(3, scope.schemaUrl);
  return { resource: resourceField, scope: scopeField, schema: w.take() };
}

/**
 * A collector.trace.v1.ExportTraceServiceRequest: ResourceSpans{resource, ScopeSpans{scope,
 * spans, schema_url}}. The spans are written straight into the buffer after room for the
 * envelope's head, which is filled in once their length is known: one copy per request.
 */
export function encodeRequest(env: Envelope, spans: SpanData[]): Uint8Array<ArrayBuffer> {
  const w = shared;
  const room = 12 + env.resource.byteLength + env.scope.byteLength;
  w.ensure(room);
  w.pos = room;
  for (const s of spans) span(w, s);
  w.raw(env.schema);
  const end = w.pos;
  const scopeSpansLen = env.scope.byteLength + (end - room);
  const resourceSpansLen = env.resource.byteLength + 1 + varintSize(scopeSpansLen) + scopeSpansLen;
  const head = 1 + varintSize(resourceSpansLen) + resourceSpansLen - scopeSpansLen + env.scope.byteLength;
  const start = room - head;
  w.pos = start;
  w.tag(1, LEN);
  w.varint(resourceSpansLen);
  w.raw(env.resource);
  w.tag(2, LEN);
  w.varint(scopeSpansLen);
  w.raw(env.scope);
  const out = w.buf.slice(start, end);
  w.pos = 0;
  w.take();
  return out;
}

/** ExportTraceServiceResponse.partial_success: how many spans the collector refused, and why. */
export function decodePartialSuccess(buf: Uint8Array): { rejectedSpans: number; errorMessage?: string } {
  const out: { rejectedSpans: number; errorMessage?: string } = { rejectedSpans: 0 };
  try {
    const r = new Reader(buf);
    while (r.more()) {
      const [field, wire] = r.key();
      if (field === 1 && wire === LEN) {
        const inner = new Reader(r.bytes());
        while (inner.more()) {
          const [f, t] = inner.key();
          if (f === 1 && t === VARINT) out.rejectedSpans = inner.varint();
          else if (f === 2 && t === LEN)
            out.errorMessage = new TextDecoder().decode(inner.bytes()).slice(0, 200);
          else inner.skip(t);
        }
      } else r.skip(wire);
    }
  } catch {
    // A collector answering something else (JSON, HTML) accepted the spans all the same.
  }
  return out;
}
