import type { SnapshotInfo } from '../../model/snapshots.js';
import { filterMatcher } from '../../store/filter.js';
import { selectedSnapshot, type SnapshotsState } from '../../store/slices/snapshots.js';

// The browser's lines as data: datasets as a tree (indented by depth below the listed root), each followed
// by its snapshots, newest first. Pure, so the view only draws and tests can read the structure.

export type BrowserRow =
  | { kind: 'dataset'; name: string; label: string; depth: number; count: number; shown: number; snapshotsUsed: number; referenced?: number }
  | { kind: 'snapshot'; snap: SnapshotInfo; depth: number; selected: boolean; marked: boolean };

export function browserRows(s: SnapshotsState): BrowserRow[] {
  if (!s.listing) return [];
  const match = filterMatcher(s.filter.text);
  const rootDepth = s.listing.root.split('/').length;
  const sel = selectedSnapshot(s)?.full;
  const rows: BrowserRow[] = [];
  for (const d of s.listing.datasets) {
    const snaps = d.snapshots.filter((x) => match(x.name));
    if (s.filter.text && !snaps.length) continue;
    const depth = Math.max(0, d.name.split('/').length - rootDepth);
    const label = depth === 0 ? d.name : d.name.split('/').slice(-1)[0]!;
    rows.push({ kind: 'dataset', name: d.name, label, depth, count: d.snapshots.length, shown: snaps.length, snapshotsUsed: d.snapshotsUsed, referenced: d.referenced });
    for (const snap of snaps) rows.push({ kind: 'snapshot', snap, depth: depth + 1, selected: snap.full === sel, marked: s.marked.includes(snap.full) });
  }
  return rows;
}

/** The first row to draw so the selected row stays in a window of `height` rows. */
export function windowStart(rows: BrowserRow[], height: number): number {
  const i = rows.findIndex((r) => r.kind === 'snapshot' && r.selected);
  if (i < 0 || rows.length <= height) return 0;
  // keep the selected snapshot's dataset line in view when it fits
  return Math.max(0, Math.min(rows.length - height, i - Math.floor(height / 2)));
}
