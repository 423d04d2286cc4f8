// A fixed-capacity ring of the most recent items. Promises O(1) push with no allocation beyond
// the item itself (the slots are allocated once), and iteration from newest to oldest.

export class RingBuffer<T> {
  readonly #slots: (T | undefined)[];
  /** Index the next push writes to. */
  #next = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity ${capacity}`);
    this.#slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  get capacity(): number {
    return this.#slots.length;
  }

  get size(): number {
    return this.#size;
  }

  /** Adds an item; when full, returns the oldest item it replaced. */
  push(item: T): T | undefined {
    const evicted = this.#size === this.#slots.length ? this.#slots[this.#next] : undefined;
    this.#slots[this.#next] = item;
    this.#next = this.#next + 1 === this.#slots.length ? 0 : this.#next + 1;
    if (this.#size < this.#slots.length) this.#size++;
    return evicted;
  }

  /** The i-th newest item (0 = newest), or undefined past the end. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.#size) return undefined;
    const cap = this.#slots.length;
    return this.#slots[(this.#next - 1 - i + cap * 2) % cap];
  }

  /** Newest first. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.#size; i++) yield this.at(i) as T;
  }

  /** Newest first, as a fresh array (up to `limit` items). */
  toArray(limit = this.#size): T[] {
    const n = Math.min(limit, this.#size);
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = this.at(i) as T;
    return out;
  }

  clear(): void {
    this.#slots.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}
