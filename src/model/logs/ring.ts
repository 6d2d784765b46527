// A fixed-capacity FIFO: a log pane holds at most `capacity` entries however long it follows a flood.
// Pushing past capacity overwrites the oldest and counts it in `dropped`, which the pane shows.

export class RingBuffer<T> {
  private buf: (T | undefined)[];
  private head = 0; // index of the oldest item
  private len = 0;
  /** Items evicted because the buffer was full, since creation or the last clear(). */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, not ${capacity}`);
    this.buf = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.len;
  }

  push(item: T): void {
    const tail = (this.head + this.len) % this.capacity;
    this.buf[tail] = item;
    if (this.len < this.capacity) this.len++;
    else {
      this.head = (this.head + 1) % this.capacity;
      this.dropped++;
    }
  }

  pushMany(items: Iterable<T>): void {
    for (const it of items) this.push(it);
  }

  /** The i-th oldest item (0 = oldest), or undefined outside 0..size-1. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.len || !Number.isInteger(i)) return undefined;
    return this.buf[(this.head + i) % this.capacity];
  }

  /** Items from start (inclusive) to end (exclusive), oldest first; clamps like Array.slice for non-negative bounds. */
  slice(start = 0, end = this.len): T[] {
    const s = Math.max(0, Math.min(start, this.len));
    const e = Math.max(s, Math.min(end, this.len));
    const out: T[] = [];
    for (let i = s; i < e; i++) out.push(this.buf[(this.head + i) % this.capacity] as T);
    return out;
  }

  toArray(): T[] {
    return this.slice(0, this.len);
  }

  clear(): void {
    this.buf = new Array<T | undefined>(this.capacity);
    this.head = 0;
    this.len = 0;
    this.dropped = 0;
  }
}
