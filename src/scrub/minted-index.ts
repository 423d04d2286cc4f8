// Owns how a worker hands back the pseudonyms it minted: one byte buffer (placeholders sorted,
// each followed by its value, UTF-8) and one offset table, both transferred without a copy. The
// main thread looks a placeholder up by binary search over the bytes, so a request that minted
// half a million pseudonyms costs its answer nothing to set up (parsing them into a Map took
// seconds of the event loop) and each lookup about twenty comparisons. Pure.

/** What restore and the vault need of one request's pseudonyms. */
export interface MintedLookup {
  get(placeholder: string): string | undefined;
  readonly size: number;
  /** At most `limit` entries (any `limit` of them: order carries no meaning). */
  entries(limit?: number): Iterable<[string, string]>;
}

export interface MintedIndex {
  bytes: Uint8Array;
  /** [placeholder start, value start] per entry, then the end: 2 * size + 1 numbers. */
  offsets: Uint32Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Placeholders are ASCII, so comparing them as strings and as bytes agrees. */
export function encodeMinted(minted: ReadonlyMap<string, string>): MintedIndex {
  const keys = [...minted.keys()].sort();
  const parts: Uint8Array[] = [];
  const offsets = new Uint32Array(keys.length * 2 + 1);
  let at = 0;
  keys.forEach((k, i) => {
    const p = encoder.encode(k);
    const v = encoder.encode(minted.get(k)!);
    offsets[2 * i] = at;
    offsets[2 * i + 1] = at + p.byteLength;
    at += p.byteLength + v.byteLength;
    parts.push(p, v);
  });
  offsets[keys.length * 2] = at;
  return { bytes: new Uint8Array(Buffer.concat(parts)), offsets };
}

export function mintedFromIndex(index: MintedIndex): MintedLookup {
  const buf = Buffer.from(index.bytes.buffer, index.bytes.byteOffset, index.bytes.byteLength);
  const { offsets } = index;
  const size = (offsets.length - 1) / 2;
  const value = (i: number) => decoder.decode(buf.subarray(offsets[2 * i + 1], offsets[2 * i + 2]));
  const placeholder = (i: number) => buf.toString("latin1", offsets[2 * i], offsets[2 * i + 1]);
  return {
    size,
    get(p) {
      const want = Buffer.from(p, "latin1");
      let lo = 0;
      let hi = size - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const c = Buffer.compare(buf.subarray(offsets[2 * mid], offsets[2 * mid + 1]), want);
        if (c === 0) return value(mid);
        if (c < 0) lo = mid + 1;
        else hi = mid - 1;
      }
      return undefined;
    },
    *entries(limit = size) {
      for (let i = 0; i < Math.min(limit, size); i++) yield [placeholder(i), value(i)];
    },
  };
}

/** A Map of pseudonyms (scrubbed on this thread) as a lookup. */
export function mintedFromMap(map: ReadonlyMap<string, string>): MintedLookup {
  return {
    size: map.size,
    get: (p) => map.get(p),
    *entries(limit = map.size) {
      let n = 0;
      for (const e of map) {
        if (n++ >= limit) return;
        yield e;
      }
    },
  };
}
