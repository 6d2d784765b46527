import { useStore } from '../hooks/context.js';
import { useNow } from '../hooks/useNow.js';
import type { PaneProps } from './panes.js';
import { SnapshotBrowser } from './SnapshotBrowser.js';

// The snapshot browser as a pane, its state from the store (what is typed into its filter or a new name
// reaches the store through the key router).

export function SnapshotPane({ width, height, focused }: PaneProps) {
  const state = useStore((s) => s.snapshots);
  const now = useNow(10_000);
  return <SnapshotBrowser state={state} width={width} height={height} focused={focused} now={now} />;
}
