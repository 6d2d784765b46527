import type { DiffResult, SnapshotInfo, SnapshotListing } from '../../model/snapshots.js';
import { filterMatcher } from '../filter.js';
import type { Action } from './index.js';

// The snapshot browser (one at a time, pane id SNAPSHOT_PANE): what it shows, the cursor, the filter,
// the marks for a multi-destroy and an open diff. The service fills it; the view only reads it.

export const SNAPSHOT_PANE = 'snapshots';

export interface SnapshotTarget {
  host: string;
  /** A VM's dataset; without it, every dataset of the host. */
  vm?: string;
  dataset?: string;
}

export interface SnapshotsState {
  target: SnapshotTarget | null;
  listing: SnapshotListing | null;
  loading: boolean;
  error: string | null;
  /** ms epoch of the last listing. */
  at: number | null;
  /** Full name (dataset@snap) under the cursor; kept across reloads. */
  cursor: string | null;
  filter: { text: string; editing: boolean };
  /** The name being typed for a new snapshot (`n`), or null. */
  naming: string | null;
  /** Full names marked for destroy. */
  marked: string[];
  diff: (DiffResult & { snapshot: string }) | null;
  /** A one-line outcome of the last action, shown in the pane. */
  notice: string | null;
}

export type SnapshotsAction =
  | { type: 'snapshots/open'; target: SnapshotTarget }
  | { type: 'snapshots/loading' }
  | { type: 'snapshots/loaded'; listing: SnapshotListing; at: number }
  | { type: 'snapshots/error'; error: string }
  | { type: 'snapshots/move'; delta: number }
  | { type: 'snapshots/toggleMark'; full: string }
  | { type: 'snapshots/clearMarks' }
  | { type: 'snapshots/filterOpen' }
  | { type: 'snapshots/filterText'; text: string }
  | { type: 'snapshots/filterApply' }
  | { type: 'snapshots/filterCancel' }
  | { type: 'snapshots/naming'; text: string | null }
  | { type: 'snapshots/diff'; diff: (DiffResult & { snapshot: string }) | null }
  | { type: 'snapshots/notice'; notice: string | null }
  | { type: 'snapshots/close' };

export const initialSnapshots: SnapshotsState = {
  target: null,
  listing: null,
  loading: false,
  error: null,
  at: null,
  cursor: null,
  filter: { text: '', editing: false },
  naming: null,
  marked: [],
  diff: null,
  notice: null,
};

/** The browser has a text field open (filter or new name): keys are typed text, not commands. */
export function snapshotsTyping(s: SnapshotsState): boolean {
  return s.filter.editing || s.naming !== null;
}


/** The snapshots shown, in screen order (datasets in ZFS order, each newest first), after the filter. */
export function visibleSnapshots(s: SnapshotsState): SnapshotInfo[] {
  if (!s.listing) return [];
  const match = filterMatcher(s.filter.text);
  return s.listing.datasets.flatMap((d) => d.snapshots.filter((x) => match(x.name)));
}

/** The snapshot under the cursor: the stored one while shown, else the first shown. */
export function selectedSnapshot(s: SnapshotsState): SnapshotInfo | null {
  const v = visibleSnapshots(s);
  return v.find((x) => x.full === s.cursor) ?? v[0] ?? null;
}

/** What a destroy applies to: the marked snapshots still listed, else the one under the cursor. */
export function destroyTargets(s: SnapshotsState): SnapshotInfo[] {
  const all = s.listing?.datasets.flatMap((d) => d.snapshots) ?? [];
  const marked = all.filter((x) => s.marked.includes(x.full));
  if (marked.length) return marked;
  const sel = selectedSnapshot(s);
  return sel ? [sel] : [];
}

export function snapshotsReducer(state: SnapshotsState = initialSnapshots, action: Action): SnapshotsState {
  switch (action.type) {
    case 'snapshots/open': {
      const same = state.target && state.target.host === action.target.host && state.target.vm === action.target.vm && state.target.dataset === action.target.dataset;
      return same ? { ...state, diff: null } : { ...initialSnapshots, target: action.target, loading: true };
    }
    case 'snapshots/loading':
      return { ...state, loading: true };
    case 'snapshots/loaded': {
      const names = new Set(action.listing.datasets.flatMap((d) => d.snapshots.map((x) => x.full)));
      return { ...state, listing: action.listing, at: action.at, loading: false, error: null, marked: state.marked.filter((m) => names.has(m)) };
    }
    case 'snapshots/error':
      return { ...state, loading: false, error: action.error };
    case 'snapshots/move': {
      const v = visibleSnapshots(state);
      if (!v.length) return state;
      const cur = Math.max(0, v.findIndex((x) => x.full === selectedSnapshot(state)?.full));
      const next = v[Math.min(v.length - 1, Math.max(0, cur + action.delta))]!;
      // moving on gives the list back the rows a long notice took (the message history keeps it)
      return next.full === state.cursor ? state : { ...state, cursor: next.full, diff: null, notice: null };
    }
    case 'snapshots/toggleMark':
      return { ...state, marked: state.marked.includes(action.full) ? state.marked.filter((m) => m !== action.full) : [...state.marked, action.full] };
    case 'snapshots/clearMarks':
      return state.marked.length ? { ...state, marked: [] } : state;
    case 'snapshots/filterOpen':
      return { ...state, filter: { ...state.filter, editing: true } };
    case 'snapshots/filterText':
      return { ...state, filter: { ...state.filter, text: action.text } };
    case 'snapshots/filterApply':
      return { ...state, filter: { ...state.filter, editing: false } };
    case 'snapshots/filterCancel':
      return { ...state, filter: { text: '', editing: false } };
    case 'snapshots/naming':
      return { ...state, naming: action.text };
    case 'snapshots/diff':
      return { ...state, diff: action.diff };
    case 'snapshots/notice':
      return { ...state, notice: action.notice };
    case 'snapshots/close':
      return initialSnapshots;
    default:
      return state;
  }
}
