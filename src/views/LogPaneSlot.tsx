import { Box, Text } from 'ink';
import { useServices, useStore } from '../hooks/context.js';
import { useTextInput } from '../hooks/useTextInput.js';
import { logsTyping } from '../store/slices/logs.js';
import { LogPane } from './LogPane.js';
import type { PaneProps } from './panes.js';

// A log pane in the app's pane area: its state from the logs slice, and the text field of its filter.

export function LogPaneSlot({ pane, width, height, focused }: PaneProps) {
  const { store } = useServices();
  const state = useStore((s) => s.logs.byId[pane.id]);
  const prompting = state?.prompt !== null && state?.prompt !== undefined;
  useTextInput(
    () => (prompting ? (store.getState().logs.byId[pane.id]?.prompt ?? '') : (store.getState().logs.byId[pane.id]?.filter.text ?? '')),
    (text) => store.dispatch(prompting ? { type: 'logs/prompt', id: pane.id, text } : { type: 'logs/filterText', id: pane.id, text }),
    focused && logsTyping(state),
  );
  if (!state) {
    return (
      <Box width={width} height={height} borderStyle="single">
        <Text dimColor>{pane.title ?? pane.id}: closed</Text>
      </Box>
    );
  }
  return <LogPane pane={state} width={width} height={height} focused={focused} />;
}
