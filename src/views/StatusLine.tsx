import { Box, Text } from 'ink';
import { useAppState, useServices, useVisibility } from '../hooks/context.js';
import { hintsFor } from '../keymap/visible.js';
import { selectTopScope } from '../store/selectors.js';
import { STATUS_COLOR } from './theme.js';

/** The bottom line: the last outcome on the left, the focused scope's keys on the right. */
export function StatusLine({ width }: { width: number }) {
  const { keymap } = useServices();
  const state = useAppState();
  const vis = useVisibility();
  const hints = hintsFor(keymap, selectTopScope(state), vis);
  const msg = state.ui.status;
  const hintText = hints.map((h) => `${h.keys} ${h.label}`).join('  ');
  return (
    <Box width={width} height={1}>
      {vis.readOnly ? <Text color="yellow" bold>READ-ONLY </Text> : null}
      {msg ? (
        <Box flexShrink={1} marginRight={1}>
          <Text color={STATUS_COLOR[msg.kind]} wrap="truncate-end">
            {msg.text}
          </Text>
        </Box>
      ) : null}
      <Box flexGrow={1} justifyContent="flex-end" flexShrink={2}>
        <Text dimColor wrap="truncate-end">
          {hintText}
        </Text>
      </Box>
    </Box>
  );
}
