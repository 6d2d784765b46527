import { useServices, useStore } from '../hooks/context.js';
import { useNow } from '../hooks/useNow.js';
import { useTextInput } from '../hooks/useTextInput.js';
import { snapshotsTyping } from '../store/slices/snapshots.js';
import type { PaneProps } from './panes.js';
import { SnapshotBrowser } from './SnapshotBrowser.js';

// The snapshot browser as a pane: state from the store, the text field of the filter and of a new name.

export function SnapshotPane({ width, height, focused }: PaneProps) {
  const { store } = useServices();
  const state = useStore((s) => s.snapshots);
  const now = useNow(10_000);
  const naming = state.naming !== null;
  useTextInput(
    () => (naming ? (store.getState().snapshots.naming ?? '') : store.getState().snapshots.filter.text),
    (text) => store.dispatch(naming ? { type: 'snapshots/naming', text } : { type: 'snapshots/filterText', text }),
    focused && snapshotsTyping(state),
  );
  return <SnapshotBrowser state={state} width={width} height={height} focused={focused} now={now} />;
}
