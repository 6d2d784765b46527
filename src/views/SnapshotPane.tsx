import { useServices, useStore } from '../hooks/context.js';
import { useShownClock } from '../hooks/useShownClock.js';
import { selectedSnapshot, visibleSnapshots, type SnapshotsState } from '../store/slices/snapshots.js';
import { since } from './format.js';
import type { PaneProps } from './panes.js';
import { SnapshotBrowser } from './SnapshotBrowser.js';

// The snapshot browser as a pane, its state from the store (what is typed into its filter or a new name
// reaches the store through the key router).

export function SnapshotPane({ pane, width, height, focused }: PaneProps) {
  const { store } = useServices();
  const state = useStore((s) => s.snapshots);
  // the grid's clock: a render when an age as shown changes (the grid's age format, seconds in the first 10 minutes)
  const now = useShownClock((t) => agesShown(state, t));
  // a click on a snapshot selects it and focuses the pane
  const pick = (full: string) => {
    store.dispatch({ type: 'ui/paneFocus', id: pane.id });
    const s = store.getState().snapshots;
    const shown = visibleSnapshots(s);
    const to = shown.findIndex((x) => x.full === full);
    const from = shown.findIndex((x) => x.full === selectedSnapshot(s)?.full);
    if (to >= 0) store.dispatch({ type: 'snapshots/move', delta: to - Math.max(0, from) });
  };
  return <SnapshotBrowser state={state} width={width} height={height} focused={focused} now={now} onPick={pick} />;
}

/** Every snapshot age the browser can show, as text: what the clock must keep current. */
function agesShown(s: SnapshotsState, now: number): string {
  return (s.listing?.datasets ?? []).map((d) => d.snapshots.map((x) => since(x.createdAt, now)).join(' ')).join(' ');
}
