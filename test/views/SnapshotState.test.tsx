import { describe, expect, it } from 'vitest';
import type { SnapshotListing } from '../../src/model/snapshots.js';
import { destroyTargets, initialSnapshots, selectedSnapshot, snapshotsReducer, visibleSnapshots, type SnapshotsAction, type SnapshotsState } from '../../src/store/slices/snapshots.js';
import { formatAge, formatBytes, formatTime } from '../../src/views/snapshot/format.js';
import { browserRows, windowStart } from '../../src/views/snapshot/rows.js';

// The browser's state machine and formatting: what the cursor, marks and filter do as data.

const snap = (ds: string, name: string, t: number) => ({ name, dataset: ds, full: `${ds}@${name}`, createdAt: t * 1000, used: 1024, referenced: 4096 });
const listing: SnapshotListing = {
  host: 'hv',
  root: 'p',
  datasets: [
    { name: 'p', snapshots: [], snapshotsUsed: 0 },
    { name: 'p/storage/vm1', snapshots: [snap('p/storage/vm1', 'b', 2), snap('p/storage/vm1', 'a', 1)], snapshotsUsed: 2048 },
    { name: 'p/storage/vm2', snapshots: [snap('p/storage/vm2', 'keep', 3)], snapshotsUsed: 1024 },
  ],
};
const run = (...actions: SnapshotsAction[]) => actions.reduce<SnapshotsState>((s, a) => snapshotsReducer(s, a), initialSnapshots);
const loaded = (...more: SnapshotsAction[]) => run({ type: 'snapshots/open', target: { host: 'hv' } }, { type: 'snapshots/loaded', listing, at: 1 }, ...more);

describe('snapshots slice', () => {
  it('starts at the newest snapshot, moves within the visible ones and stops at the ends', () => {
    expect(selectedSnapshot(loaded())?.full).toBe('p/storage/vm1@b');
    expect(selectedSnapshot(loaded({ type: 'snapshots/move', delta: 2 }))?.full).toBe('p/storage/vm2@keep');
    expect(selectedSnapshot(loaded({ type: 'snapshots/move', delta: 9 }))?.full).toBe('p/storage/vm2@keep');
    expect(selectedSnapshot(loaded({ type: 'snapshots/move', delta: -3 }))?.full).toBe('p/storage/vm1@b');
  });

  it('keeps the cursor on the same snapshot across a reload, and drops marks of snapshots gone', () => {
    const s = loaded({ type: 'snapshots/move', delta: 1 }, { type: 'snapshots/toggleMark', full: 'p/storage/vm1@a' }, { type: 'snapshots/toggleMark', full: 'p/storage/vm2@keep' });
    const fewer = { ...listing, datasets: listing.datasets.filter((d) => d.name !== 'p/storage/vm2') };
    const after = snapshotsReducer(s, { type: 'snapshots/loaded', listing: fewer, at: 2 });
    expect(selectedSnapshot(after)?.full).toBe('p/storage/vm1@a');
    expect(after.marked).toEqual(['p/storage/vm1@a']);
  });

  it('destroys the marked snapshots, or the one under the cursor when none is marked', () => {
    expect(destroyTargets(loaded()).map((x) => x.full)).toEqual(['p/storage/vm1@b']);
    expect(destroyTargets(loaded({ type: 'snapshots/toggleMark', full: 'p/storage/vm2@keep' }, { type: 'snapshots/toggleMark', full: 'p/storage/vm1@a' })).map((x) => x.full)).toEqual([
      'p/storage/vm1@a',
      'p/storage/vm2@keep',
    ]);
  });

  it('filters by regex, inverts with !, falls back to a substring for a broken regex; esc clears', () => {
    expect(visibleSnapshots(loaded({ type: 'snapshots/filterText', text: '^k' })).map((x) => x.name)).toEqual(['keep']);
    expect(visibleSnapshots(loaded({ type: 'snapshots/filterText', text: '!^k' })).map((x) => x.name)).toEqual(['b', 'a']);
    expect(visibleSnapshots(loaded({ type: 'snapshots/filterText', text: 'ke(' })).map((x) => x.name)).toEqual([]);
    expect(visibleSnapshots(loaded({ type: 'snapshots/filterText', text: 'x' }, { type: 'snapshots/filterCancel' }))).toHaveLength(3);
  });

  it('opening another target starts afresh; reopening the same keeps cursor and marks', () => {
    const s = loaded({ type: 'snapshots/toggleMark', full: 'p/storage/vm1@a' });
    expect(snapshotsReducer(s, { type: 'snapshots/open', target: { host: 'hv' } }).marked).toEqual(['p/storage/vm1@a']);
    expect(snapshotsReducer(s, { type: 'snapshots/open', target: { host: 'hv', vm: 'vm1' } })).toMatchObject({ marked: [], listing: null, loading: true });
  });
});

describe('browser rows', () => {
  it('indents datasets by depth below the root and puts each one\'s snapshots under it', () => {
    const rows = browserRows(loaded());
    expect(rows.map((r) => (r.kind === 'dataset' ? `${r.depth}:${r.label}` : `${r.depth}:@${r.snap.name}`))).toEqual(['0:p', '2:vm1', '3:@b', '3:@a', '2:vm2', '3:@keep']);
  });

  it('scrolls so the selected row stays in the window', () => {
    const rows = browserRows(loaded({ type: 'snapshots/move', delta: 2 }));
    expect(windowStart(rows, 10)).toBe(0);
    const start = windowStart(rows, 2);
    expect(rows.slice(start, start + 2).some((r) => r.kind === 'snapshot' && r.selected)).toBe(true);
  });
});

describe('formatting', () => {
  it('prints sizes like zfs (1024-based, short)', () => {
    expect([0, 1023, 1024, 90112, 1183744, 3.5 * 2 ** 30, 2 ** 40].map(formatBytes)).toEqual(['0B', '1023B', '1K', '88K', '1.13M', '3.5G', '1T']);
  });

  it('prints UTC times to the minute and ages in the coarsest unit', () => {
    expect(formatTime(Date.parse('2026-11-26T09:05:59Z'))).toBe('2026-11-26 09:05');
    const now = Date.parse('2026-11-26T12:00:00Z');
    expect([30e3, 5 * 60e3, 3 * 3600e3, 2 * 86400e3, 30 * 86400e3, 800 * 86400e3].map((ago) => formatAge(now - ago, now))).toEqual(['30s', '5m', '3h', '2d', '4w', '2y']);
    expect(formatAge(0, now)).toBe('-');
  });
});
