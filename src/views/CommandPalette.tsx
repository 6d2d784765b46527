import { Box, Text } from 'ink';
import { useServices, useStore, useVisibility } from '../hooks/context.js';
import { keyLabel } from '../keymap/keys.js';
import { paletteMatches } from '../keymap/visible.js';

/** `:` k9s-style: type part of a command's id or description, enter runs the selected match. */
export function CommandPalette({ width, height }: { width: number; height: number }) {
  const { keymap } = useServices();
  const vis = useVisibility();
  const palette = useStore((s) => s.ui.palette);
  if (!palette) return null;
  const matches = paletteMatches(keymap, vis, palette.query);
  const room = Math.max(1, height - 4);
  const index = Math.min(palette.index, Math.max(0, matches.length - 1));
  const top = Math.max(0, index - room + 1);
  return (
    <Box flexDirection="column" width={width} borderStyle="round" borderColor="magenta" paddingX={1}>
      <Text>
        <Text bold color="magenta">:</Text>
        {palette.query}
        <Text inverse> </Text>
      </Text>
      {matches.length ? (
        matches.slice(top, top + room).map((c, i) => (
          <Text key={c.id} inverse={top + i === index} wrap="truncate-end">
            {top + i === index ? '> ' : '  '}
            {c.id.padEnd(26)} <Text dimColor>{(c.keys[0] ? keyLabel(c.keys[0]) : '').padEnd(7)}</Text> {c.description}
          </Text>
        ))
      ) : (
        <Text dimColor>no command matches</Text>
      )}
    </Box>
  );
}
