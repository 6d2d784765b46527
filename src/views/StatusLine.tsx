import { Box, Text } from 'ink';
import { useStore } from '../hooks/context.js';
import type { StatusLayout } from './screen-rows.js';
import { STATUS_COLOR } from './theme.js';
import { textWidth } from './wrap.js';

/**
 * The bottom line: the last outcome on the left, the focused scope's keys on the right. A message too long for
 * one row wraps onto rows of its own (statusLayout); widths are computed there, not by flex: a row that wraps by
 * itself pushes the whole screen up.
 */
export function StatusLine({ width, layout }: { width: number; layout: StatusLayout }) {
  const msg = useStore((s) => s.ui.status);
  const color = msg ? STATUS_COLOR[msg.kind] : undefined;
  const avail = Math.max(0, width - layout.ro.length);
  const pad = ' '.repeat(layout.ro.length);
  const rows = layout.message.length ? layout.message : [''];
  return (
    <Box flexDirection="column" width={width} height={layout.rows}>
      {rows.map((line, i) => {
        const last = i === rows.length - 1;
        const hints = last && layout.hintsOnLast ? layout.hints : '';
        const gap = ' '.repeat(Math.max(0, avail - textWidth(line) - hints.length));
        return (
          <Text key={i} wrap="truncate-end">
            {i === 0 && layout.ro ? (
              <Text color="yellow" bold>
                {layout.ro}
              </Text>
            ) : (
              pad
            )}
            <Text color={color}>{line}</Text>
            {hints ? gap : null}
            {hints ? <Text dimColor>{hints}</Text> : null}
          </Text>
        );
      })}
      {layout.hintsOnLast ? null : (
        <Text wrap="truncate-end">
          {pad}
          {' '.repeat(Math.max(0, avail - layout.hints.length))}
          <Text dimColor>{layout.hints}</Text>
        </Text>
      )}
    </Box>
  );
}
