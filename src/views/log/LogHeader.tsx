import { Box, Text } from 'ink';
import type { LogPaneState } from '../../store/slices/logs.js';
import { rangeLabel } from '../../store/slices/logs.js';
import type { TailState } from '../../model/logs/tail-state.js';

// Two header rows: what the pane follows and its connection; then follow state and counts.
// Every state is spelled out in words so it reads without colour.

function connText(c: TailState): { text: string; color?: string } {
  switch (c.status) {
    case 'streaming':
      return { text: 'live', color: 'green' };
    case 'connecting':
      return { text: c.message ? `connecting (${c.message})` : 'connecting', color: 'yellow' };
    case 'reconnecting':
      return { text: c.message ?? 'reconnecting', color: 'red' };
    case 'ended':
      return { text: c.message ? `ended: ${c.message}` : 'ended', color: c.message ? 'red' : undefined };
    case 'stopped':
      return { text: 'stopped' };
  }
}

const n = (x: number) => x.toLocaleString('en-US');

export function LogHeader({ pane, focused, width }: { pane: LogPaneState; focused: boolean; width: number }) {
  const b = pane.buffer;
  const conn = connText(pane.conn);
  const title = pane.vm ? `${pane.vm} ${pane.unit}` : pane.unit || '(no unit yet)';
  const stats = [
    pane.follow ? 'FOLLOW' : `PAUSED${pane.scroll ? ` -${n(pane.scroll)}` : ''}`,
    pane.still && pane.arrivedSincePause ? `${n(pane.arrivedSincePause)} new` : '',
    `${n(b.held)} held`,
    b.droppedByFilter ? `${n(b.droppedByFilter)} filtered out` : '',
    // The buffer keeps the newest lines; older ones leave it (the journal still has them), nothing is lost.
    b.droppedByCapacity ? `${n(b.droppedByCapacity)} older left the window` : '',
    rangeLabel(pane.range),
    pane.wrap ? 'wrap' : '',
    pane.timestamps ? 'UTC' : '',
    pane.filter.text && !pane.filter.editing ? `/${pane.filter.text}/` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <Box flexDirection="column" width={width}>
      <Box width={width}>
        <Text bold inverse={focused} wrap="truncate">
          {focused ? '▶ ' : '  '}
          {title} @ {pane.host}
        </Text>
        <Text wrap="truncate"> </Text>
        <Box flexGrow={1} flexShrink={1} justifyContent="flex-end">
          <Text color={conn.color} wrap="truncate-start">
            {conn.text}
          </Text>
        </Box>
      </Box>
      <Text dimColor={!focused} wrap="truncate">
        {stats}
      </Text>
    </Box>
  );
}
