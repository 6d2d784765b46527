import { compileFilter, type LogFilter } from './filter.js';
import type { LogEntry } from './format.js';
import { RingBuffer } from './ring.js';

// What one log pane holds: every received entry (bounded) and, kept up to date incrementally, the ones
// the filter lets through. Appending a batch costs O(batch), not O(buffer), so a flood stays cheap; the
// view reads only the slice it draws. Entries carry a sequence number so the filtered ring can tell
// which of its items the main ring has already evicted.

interface Seq<E> {
  seq: number;
  entry: E;
}

export const DEFAULT_CAPACITY = 10_000;

export class PaneBuffer<E extends LogEntry = LogEntry> {
  private readonly all: RingBuffer<Seq<E>>;
  private shown: RingBuffer<Seq<E>>;
  private nextSeq = 0;
  filter: LogFilter;

  constructor(
    readonly capacity = DEFAULT_CAPACITY,
    filter: LogFilter = compileFilter(''),
  ) {
    this.all = new RingBuffer(capacity);
    this.shown = new RingBuffer(capacity);
    this.filter = filter;
  }

  /** Adds entries; returns how many of them pass the filter (the view shifts a paused scroll by this). */
  append(batch: readonly E[]): number {
    let passed = 0;
    // No filter: the message is not read, so a lazily parsed entry (lazy-entry.ts) stays unparsed.
    const all = this.filter.source === '';
    for (const entry of batch) {
      const item = { seq: this.nextSeq++, entry };
      this.all.push(item);
      if (all || this.filter.test(entry.message)) {
        this.shown.push(item);
        passed++;
      }
    }
    return passed;
  }

  setFilter(filter: LogFilter): void {
    this.filter = filter;
    this.shown = new RingBuffer(this.capacity);
    for (const item of this.all.toArray()) if (filter.test(item.entry.message)) this.shown.push(item);
  }

  clear(): void {
    this.all.clear();
    this.shown.clear();
  }

  private firstLiveShown(): number {
    const oldest = this.all.at(0)?.seq ?? this.nextSeq;
    // Evicted items sit at the front of `shown`; binary search past them.
    let lo = 0;
    let hi = this.shown.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.shown.at(mid) as Seq<E>).seq < oldest) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Entries held (received and not yet evicted by capacity). */
  get held(): number {
    return this.all.size;
  }

  /** Entries evicted because the buffer was full. */
  get droppedByCapacity(): number {
    return this.all.dropped;
  }

  /** Entries the filter lets through. */
  get visibleCount(): number {
    return this.shown.size - this.firstLiveShown();
  }

  /** Entries held but hidden by the filter. */
  get droppedByFilter(): number {
    return this.held - this.visibleCount;
  }

  /** Visible (filtered) entries in [start, end), oldest first. */
  visibleSlice(start: number, end: number): E[] {
    const base = this.firstLiveShown();
    return this.shown.slice(base + Math.max(0, start), base + Math.max(0, end)).map((s) => s.entry);
  }

  /** Everything held, oldest first (save-to-file). */
  entries(): E[] {
    return this.all.toArray().map((s) => s.entry);
  }
}
