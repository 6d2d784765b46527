import type { ComponentType } from 'react';
import { Box, Text } from 'ink';
import { useServices } from '../hooks/context.js';
import type { PaneRef } from '../store/slices/ui.js';
import { Clickable } from '../hooks/useClickTarget.js';
import { LogPaneSlot } from './LogPaneSlot.js';
import { SnapshotPane } from './SnapshotPane.js';
import { DoctorPane } from './DoctorPane.js';
import { DeployPane } from './DeployPane.js';

// Side panes (logs, snapshots, deploy output) are drawn by kind. Add a pane kind: write its component and
// add one line to `paneViews`; open it with `store.dispatch({type: 'ui/paneOpen', pane: {id, kind, scope}})`.

export interface PaneProps {
  pane: PaneRef;
  width: number;
  height: number;
  focused: boolean;
}

export const paneViews: Record<string, ComponentType<PaneProps>> = {
  snapshots: SnapshotPane,
  logs: LogPaneSlot,
  doctor: DoctorPane,
  deploy: DeployPane,
};

function Missing({ pane, width, height, focused }: PaneProps) {
  return (
    <Box width={width} height={height} borderStyle={focused ? 'double' : 'round'} borderColor={focused ? 'cyan' : undefined}>
      <Text dimColor>{pane.title ?? pane.kind}: no view for this pane kind</Text>
    </Box>
  );
}

/** The panes, split evenly along the given direction. */
export function PaneArea({ panes, active, width, height, direction }: { panes: PaneRef[]; active: string | null; width: number; height: number; direction: 'row' | 'column' }) {
  const { store } = useServices();
  const n = Math.max(1, panes.length);
  const w = direction === 'row' ? Math.floor(width / n) : width;
  const h = direction === 'column' ? Math.floor(height / n) : height;
  return (
    <Box flexDirection={direction} width={width} height={height}>
      {panes.map((p) => {
        const View = paneViews[p.kind] ?? Missing;
        return (
          <Clickable key={p.id} onClick={() => store.dispatch({ type: 'ui/paneFocus', id: p.id })}>
            <View pane={p} width={w} height={h} focused={p.id === active} />
          </Clickable>
        );
      })}
    </Box>
  );
}
