// OTLP/HTTP's binary protobuf encoding of spans (opentelemetry-proto: collector/trace/v1,
// trace/v1, common/v1, resource/v1), written by hand: the only messages sluice sends, and the
// one it reads back (the partial-success answer). Pure. Field numbers are those of the .proto
// files; tests decode the output with code generated from them (tests/helpers/otlp-receiver.ts).
// Promises: ids are sent as bytes (hex in, 16 and 8 bytes out), times as fixed64 nanoseconds,
// ints as varint int64, and a nested message's length is back-patched, never computed twice.

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

const LEN = 2;
const VARINT = 0;
const I64 = 1;
const I32 = 5;

/** Nibble values of the hex digits, by character code (-1: not a hex digit). */
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) NIBBLE["0123456789abcdef".charCodeAt(i)] = i;
for (let i = 10; i < 16; i++) NIBBLE["ABCDEF".charCodeAt(i - 10)] = i;

class Writer {
  buf: Uint8Array<ArrayBuffer> = new Uint8Array(64 * 1024);
  pos = 0;
  private view = new DataView(this.buf.buffer);

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  varint(n: number): void {
    this.ensure(10);
    if (n < 0) {
      // int64 two's complement: ten bytes.
      let v = BigInt.asUintN(64, BigInt(Math.trunc(n)));
      while (v > 0x7fn) {
        this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
        v >>= 7n;
      }
      this.buf[this.pos++] = Number(v);
      return;
    }
    let v = Math.trunc(n);
    while (v > 0x7f) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  fixed64(field: number, v: bigint): void {
    this.tag(field, I64);
    this.ensure(8);
    this.view.setBigUint64(this.pos, BigInt.asUintN(64, v), true);
    this.pos += 8;
  }

  fixed32(field: number, v: number): void {
    this.tag(field, I32);
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
  }

  double(field: number, v: number): void {
    this.tag(field, I64);
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** Opens a length-delimited field; close it with end(). */
  begin(field: number): number {
    this.tag(field, LEN);
    this.ensure(1);
    return this.pos++;
  }

  end(at: number): void {
    const len = this.pos - at - 1;
    if (len < 0x80) {
      this.buf[at] = len;
      return;
    }
    let size = 1;
    while (len >= 2 ** (7 * size)) size++;
    this.ensure(size - 1);
    this.buf.copyWithin(at + size, at + 1, this.pos);
    this.pos += size - 1;
    const end = this.pos;
    this.pos = at;
    this.varint(len);
    this.pos = end;
  }

  string(field: number, s: string): void {
    const at = this.begin(field);
    this.ensure(s.length * 3);
    // Keys, names and ids are ASCII: copied by hand, which beats encodeInto on short strings.
    const start = this.pos;
    let i = 0;
    for (; i < s.length && i < 256; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) break;
      this.buf[start + i] = c;
    }
    if (i === s.length) this.pos = start + i;
    else this.pos = start + encoder.encodeInto(s, this.buf.subarray(start)).written;
    this.end(at);
  }

  hex(field: number, hex: string): void {
    const at = this.begin(field);
    this.ensure(hex.length / 2);
    for (let i = 0; i < hex.length; i += 2)
      this.buf[this.pos++] = (NIBBLE[hex.charCodeAt(i)]! << 4) | NIBBLE[hex.charCodeAt(i + 1)]!;
    this.end(at);
  }

  raw(bytes: Uint8Array): void {
    const n = bytes.byteLength;
    this.ensure(n);
    // TypedArray.set costs more than a loop for the few bytes of a key.
    if (n > 64) this.buf.set(bytes, this.pos);
    else for (let i = 0; i < n; i++) this.buf[this.pos + i] = bytes[i]!;
    this.pos += n;
  }

  /** The bytes written since the last reset, as a copy; the writer is reused for the next message. */
  take(): Uint8Array<ArrayBuffer> {
    const out = this.buf.slice(0, this.pos);
    this.pos = 0;
    // A huge message (captured content) does not keep its buffer alive afterwards.
    if (this.buf.length > 4 * 1024 * 1024) {
      this.buf = new Uint8Array(64 * 1024);
      this.view = new DataView(this.buf.buffer);
    }
    return out;
  }
}

/** One writer for the whole process: encoding is synchronous, so it is never shared. */
const shared = new Writer();

const encoder = new TextEncoder();

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

const varintSize = (n: number) => {
  let size = 1;
  while (n >= 2 ** (7 * size)) size++;
  return size;
};

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

class Reader {
  private at = 0;
  constructor(private readonly buf: Uint8Array) {}
  more = () => this.at < this.buf.length;
  varint(): number {
    let n = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.buf[this.at++];
      if (b === undefined) throw new Error("truncated");
      n += (b & 0x7f) * mul;
      if (b < 0x80) return n;
      mul *= 128;
    }
    throw new Error("bad varint");
  }
  key(): [number, number] {
    const k = this.varint();
    return [Math.floor(k / 8), k % 8];
  }
  bytes(): Uint8Array {
    const n = this.varint();
    if (this.at + n > this.buf.length) throw new Error("truncated");
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === VARINT) this.varint();
    else if (wire === I64) this.at += 8;
    else if (wire === I32) this.at += 4;
    else if (wire === LEN) this.bytes();
    else throw new Error(`wire type ${wire}`);
  }
}
