import { describe, expect, it } from 'vitest';
import { journalCursor } from '../../src/parsers/journal.js';
import { compactEntry, lazyEntry } from '../../src/parsers/lazy-entry.js';
import { PaneBuffer } from '../../src/model/logs/pane-buffer.js';
import { compileFilter } from '../../src/model/logs/filter.js';
import { fixture } from './fixture.js';
import { heapKeptBy } from '../helpers/heap.js';

const REAL = fixture('journalctl/lab-f-json-vm1-heartbeats.txt').split('\n').filter(Boolean);

describe('lazily parsed journal lines', () => {
  it('read exactly as the parsed entry: cursor, time, unit, identifier, priority, message, UNIT', () => {
    for (const line of REAL) {
      const lazy = lazyEntry(line)!;
      const full = compactEntry(line)!;
      expect(lazy.cursor).toBe(full.cursor);
      expect(JSON.parse(JSON.stringify(lazy, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)))).toEqual(
        JSON.parse(JSON.stringify(full, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))),
      );
      expect([lazy.realtimeUs, lazy.unit, lazy.identifier, lazy.priority, lazy.message, lazy.fields]).toEqual([full.realtimeUs, full.unit, full.identifier, full.priority, full.message, full.fields]);
    }
  });

  it('take the real cursor even when a message quotes a cursor field', () => {
    const line = JSON.stringify({ MESSAGE: 'x "__CURSOR":"s=fake;i=1" y', __CURSOR: 's=real;i=2', __REALTIME_TIMESTAMP: '7' });
    expect(journalCursor(line)).toBe('s=real;i=2');
    expect(lazyEntry(line)?.message).toBe('x "__CURSOR":"s=fake;i=1" y');
  });

  it('fall back to a full parse without a readable cursor, and never throw', () => {
    expect(journalCursor('{"__CURSOR":"bad cursor"}')).toBeUndefined();
    expect(lazyEntry('{"__CURSOR" : "s=1", "MESSAGE" : "old spacing"}')).toMatchObject({ cursor: 's=1', message: 'old spacing' });
    for (const bad of ['', 'not json', '[1]', '{"MESSAGE":"cut']) expect(lazyEntry(bad)).toBeNull();
    // A cursor but a broken line: shown as it came rather than lost.
    const broken = lazyEntry('{"__CURSOR":"s=2","MESSAGE":"cut');
    expect(broken?.message).toBe('{"__CURSOR":"s=2","MESSAGE":"cut');
    expect(broken?.realtimeUs).toBe(0n);
  });

  it('a pane shows lazily parsed lines with and without a filter', () => {
    const messages = (b: PaneBuffer) => b.visibleSlice(0, b.visibleCount).map((e) => e.message);
    const plain = new PaneBuffer(100);
    plain.append(REAL.map((l) => lazyEntry(l)!));
    expect(messages(plain)).toEqual(REAL.map((l) => compactEntry(l)!.message));
    const filtered = new PaneBuffer(100, compileFilter('heartbeat 1[0-9]'));
    filtered.append(REAL.map((l) => lazyEntry(l)!));
    expect(messages(filtered).length).toBeGreaterThan(0);
    expect(messages(filtered).every((m) => /heartbeat 1[0-9]/.test(m))).toBe(true);
  });
});

// 200 MB of strings and full gcs: seconds on a loaded machine, so more than the default 5 s
describe('memory a pane holds', { timeout: 30_000 }, () => {
  it('is what the held lines weigh, not the chunks they were cut from', () => {
    // 200 chunks of ~1 MB of real journal lines, as a fast stream delivers them; a pane keeps one line of each.
    const chunkLines = Array.from({ length: 2500 }, (_, i) => REAL[i % REAL.length]!);
    const { kept: held, bytes: grown } = heapKeptBy(() => {
      const held: unknown[] = [];
      for (let c = 0; c < 200; c++) {
        const chunk = chunkLines.join('\n') + `\n${c}`; // a new string each time
        held.push(lazyEntry(chunk.split('\n')[c]!));
      }
      return held;
    });
    expect(held.every((e) => e !== null)).toBe(true);
    // 200 lines of ~1 KiB: well under 10 MB; keeping each chunk alive would be ~200 MB.
    expect(grown).toBeLessThan(10 * 2 ** 20);
  });
});
