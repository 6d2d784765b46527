import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../../src/model/logs/ring.js';

describe('RingBuffer', () => {
  it('keeps the newest `capacity` items and counts what it dropped', () => {
    const r = new RingBuffer<number>(3);
    r.pushMany([1, 2, 3, 4, 5]);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.size).toBe(3);
    expect(r.dropped).toBe(2);
    expect(r.at(0)).toBe(3);
    expect(r.at(3)).toBeUndefined();
    expect(r.slice(1, 10)).toEqual([4, 5]);
  });

  it('behaves like the tail of an unbounded array (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer(), { maxLength: 100 }), fc.nat(30), fc.nat(30), (cap, items, a, b) => {
        const r = new RingBuffer<number>(cap);
        r.pushMany(items);
        const expected = items.slice(-cap);
        expect(r.toArray()).toEqual(expected);
        expect(r.dropped).toBe(Math.max(0, items.length - cap));
        expect(r.slice(a, b)).toEqual(expected.slice(a, b));
      }),
    );
  });

  it('clear() empties it and resets the drop count; bad capacities are refused', () => {
    const r = new RingBuffer<string>(2);
    r.pushMany(['a', 'b', 'c']);
    r.clear();
    expect(r.toArray()).toEqual([]);
    expect(r.dropped).toBe(0);
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
