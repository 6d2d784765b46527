import { compileFilter, type LogFilter } from './filter.js';
import type { LogEntry } from './format.js';
import { RingBuffer } from './ring.js';

// What one log pane holds: every received entry (bounded) and, while a filter is set, kept up to date
// incrementally, the ones it lets through. Appending a batch costs O(batch), not O(buffer), so a flood stays
// cheap; the view reads only the slice it draws. Entries are numbered in arrival order so the filtered ring
// can tell which of its items the main ring has already evicted; the main ring needs no numbers of its own
// (its oldest is number `nextSeq - size`), and without a filter every held entry is shown, so there is no
// filtered ring at all: a {seq, entry} wrapper for each of 10,000 held lines was ~50 bytes of each ~600
// (bench/log-memory.ts).

interface Seq<E> {
  seq: number;
  entry: E;
}

export const DEFAULT_CAPACITY = 10_000;

export class PaneBuffer<E extends LogEntry = LogEntry> {
  private readonly all: RingBuffer<E>;
  /** The entries the filter lets through; undefined while the filter is empty (then all are shown). */
  private shown: RingBuffer<Seq<E>> | undefined;
  private nextSeq = 0;
  filter: LogFilter;

  constructor(
    readonly capacity = DEFAULT_CAPACITY,
    filter: LogFilter = compileFilter(''),
  ) {
    this.all = new RingBuffer(capacity);
    this.filter = filter;
    this.setFilter(filter);
  }

  /** Adds entries; returns how many of them pass the filter (the view shifts a paused scroll by this). */
  append(batch: readonly E[]): number {
    const shown = this.shown;
    // No filter: the message is not read, so a lazily parsed entry (parsers/lazy-entry.ts) stays unparsed.
    if (!shown) {
      this.all.pushMany(batch);
      this.nextSeq += batch.length;
      return batch.length;
    }
    let passed = 0;
    for (const entry of batch) {
      const seq = this.nextSeq++;
      this.all.push(entry);
      if (this.filter.test(entry.message)) {
        shown.push({ seq, entry });
        passed++;
      }
    }
    return passed;
  }

  setFilter(filter: LogFilter): void {
    this.filter = filter;
    if (filter.source === '') {
      this.shown = undefined;
      return;
    }
    const shown = new RingBuffer<Seq<E>>(this.capacity);
    const first = this.nextSeq - this.all.size;
    this.all.toArray().forEach((entry, i) => {
      if (filter.test(entry.message)) shown.push({ seq: first + i, entry });
    });
    this.shown = shown;
  }

  clear(): void {
    this.all.clear();
    this.shown?.clear();
  }

  private firstLiveShown(shown: RingBuffer<Seq<E>>): number {
    const oldest = this.nextSeq - this.all.size;
    // Evicted items sit at the front of `shown`; binary search past them.
    let lo = 0;
    let hi = shown.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((shown.at(mid) as Seq<E>).seq < oldest) lo = mid + 1;
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
    return this.shown ? this.shown.size - this.firstLiveShown(this.shown) : this.all.size;
  }

  /** Entries held but hidden by the filter. */
  get droppedByFilter(): number {
    return this.held - this.visibleCount;
  }

  /** Visible (filtered) entries in [start, end), oldest first. */
  visibleSlice(start: number, end: number): E[] {
    const [from, to] = [Math.max(0, start), Math.max(0, end)];
    if (!this.shown) return this.all.slice(from, to);
    const base = this.firstLiveShown(this.shown);
    return this.shown.slice(base + from, base + to).map((s) => s.entry);
  }

  /** Everything held, oldest first (save-to-file). */
  entries(): E[] {
    return this.all.toArray();
  }
}
