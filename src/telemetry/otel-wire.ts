// Protobuf's wire format, as much of it as OTLP export needs: a growable writer with
// back-patched lengths for nested messages (one reused per process) and a reader that walks
// fields and skips the unknown ones. Pure. Promises: varints are minimal, fixed64/double are
// little-endian, strings are UTF-8, a truncated or malformed input makes the reader throw.

export const LEN = 2;
export const VARINT = 0;
export const I64 = 1;
export const I32 = 5;

/** Nibble values of the hex digits, by character code (-1: not a hex digit). */
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) NIBBLE["0123456789abcdef".charCodeAt(i)] = i;
for (let i = 10; i < 16; i++) NIBBLE["ABCDEF".charCodeAt(i - 10)] = i;

export class Writer {
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
export const shared = new Writer();

const encoder = new TextEncoder();

export const varintSize = (n: number): number => {
  let size = 1;
  while (n >= 2 ** (7 * size)) size++;
  return size;
};

export class Reader {
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
