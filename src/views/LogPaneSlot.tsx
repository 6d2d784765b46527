import { Box, Text } from 'ink';
import { useStore } from '../hooks/context.js';
import { LogPane } from './LogPane.js';
import type { PaneProps } from './panes.js';

// A log pane in the app's pane area, its state from the logs slice (its filter is typed through the key router).

export function LogPaneSlot({ pane, width, height, focused }: PaneProps) {
  const state = useStore((s) => s.logs.byId[pane.id]);
  if (!state) {
    return (
      <Box width={width} height={height} borderStyle="single">
        <Text dimColor>{pane.title ?? pane.id}: closed</Text>
      </Box>
    );
  }
  return <LogPane pane={state} width={width} height={height} focused={focused} />;
}
