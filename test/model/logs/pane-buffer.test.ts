import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../src/model/logs/filter.js';
import type { LogEntry } from '../../../src/model/logs/format.js';
import { PaneBuffer } from '../../../src/model/logs/pane-buffer.js';
import { heapKeptBy } from '../../helpers/heap.js';

const entry = (i: number, message = `[vm1] heartbeat ${i}`): LogEntry => ({ cursor: `c${i}`, realtimeUs: BigInt(i) * 1_000_000n, message });
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, k) => entry(a + k));

describe('PaneBuffer', () => {
  it('holds at most its capacity, counting what it evicted', () => {
    const b = new PaneBuffer(100);
    for (let i = 0; i < 50; i++) b.append(range(i * 100, i * 100 + 100));
    expect(b.held).toBe(100);
    expect(b.droppedByCapacity).toBe(4900);
    expect(b.visibleSlice(0, 2).map((e) => e.cursor)).toEqual(['c4900', 'c4901']);
  });

  it('shows only what the filter lets through and counts the rest as dropped-by-filter', () => {
    const b = new PaneBuffer(1000, compileFilter('heartbeat [0-9]*5$'));
    expect(b.append(range(0, 30))).toBe(3);
    expect(b.visibleCount).toBe(3);
    expect(b.droppedByFilter).toBe(27);
    expect(b.visibleSlice(0, 10).map((e) => e.message)).toEqual(['[vm1] heartbeat 5', '[vm1] heartbeat 15', '[vm1] heartbeat 25']);
  });

  it('re-filters everything it holds when the filter changes', () => {
    const b = new PaneBuffer(1000);
    b.append([entry(1), entry(2, 'microvm-run: crashed'), entry(3)]);
    b.setFilter(compileFilter('!heartbeat'));
    expect(b.visibleSlice(0, 5).map((e) => e.cursor)).toEqual(['c2']);
    b.setFilter(compileFilter(''));
    expect(b.visibleCount).toBe(3);
  });

  it('forgets filtered entries once the main ring has evicted them', () => {
    const b = new PaneBuffer(10, compileFilter('heartbeat 0$|heartbeat 15$'));
    b.append(range(0, 20));
    // c0 was evicted from the ring of 10 (holds 10..19): only c15 remains visible.
    expect(b.visibleSlice(0, 10).map((e) => e.cursor)).toEqual(['c15']);
    expect(b.visibleCount).toBe(1);
    expect(b.droppedByFilter).toBe(9);
    expect(b.entries()).toHaveLength(10);
  });
});

describe('PaneBuffer after a filter is set on lines it already holds', () => {
  it('shows only held matches, and forgets them as newer lines evict them', () => {
    const b = new PaneBuffer(10);
    b.append(range(0, 20)); // holds 10..19
    b.setFilter(compileFilter('heartbeat 1[258]$'));
    expect(b.visibleSlice(0, 10).map((e) => e.cursor)).toEqual(['c12', 'c15', 'c18']);
    expect(b.append(range(20, 26))).toBe(0); // holds 16..25: c12 and c15 are gone
    expect(b.visibleSlice(0, 10).map((e) => e.cursor)).toEqual(['c18']);
    b.setFilter(compileFilter(''));
    expect(b.visibleSlice(0, 3).map((e) => e.cursor)).toEqual(['c16', 'c17', 'c18']);
    expect([b.visibleCount, b.droppedByFilter, b.droppedByCapacity]).toEqual([10, 0, 16]);
  });
});

describe('memory a PaneBuffer adds to the entries it holds', () => {
  it('without a filter, about what an array of the same entries costs', () => {
    const n = 50_000;
    const entries = range(0, n);
    const heldBy = (hold: () => unknown): number => {
      const { kept, bytes } = heapKeptBy(hold);
      expect(kept).toBeTruthy();
      return bytes / n;
    };
    const array = heldBy(() => entries.slice());
    const buffer = heldBy(() => {
      const b = new PaneBuffer(n);
      b.append(entries);
      return b;
    });
    // An array is 8 bytes an entry; a {seq, entry} wrapper in two rings was ~48 more (~10% of a held
    // journal line, bench/log-memory.ts).
    expect(buffer - array).toBeLessThan(24);
  });
});
