import { Box, Text } from 'ink';
import { useServices, useStore, useVisibility } from '../hooks/context.js';
import { keyLabel } from '../keymap/keys.js';
import { paletteElsewhere, paletteMatches, whyNotHere } from '../keymap/visible.js';
import { selectPaletteScopes } from '../store/selectors.js';
import { Clickable } from '../hooks/useClickTarget.js';

/**
 * `:` k9s-style: type part of a command's id or description, enter runs the selected match. Only what can run
 * from where the palette was opened is offered (the focused pane's commands, the grid's, the global ones); a
 * command of another view is named with where it runs.
 */
export function CommandPalette({ width, height }: { width: number; height: number }) {
  const { keymap, store } = useServices();
  const vis = useVisibility();
  const palette = useStore((s) => s.ui.palette);
  const where = useStore(selectPaletteScopes, (a, b) => a.join() === b.join());
  const panes = useStore((s) => s.ui.panes);
  if (!palette) return null;
  const matches = paletteMatches(keymap, vis, palette.query, where);
  const elsewhere = matches.length ? undefined : paletteElsewhere(keymap, vis, palette.query, where)[0];
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
          <Clickable key={c.id} onClick={() => store.dispatch({ type: 'ui/paletteIndex', index: top + i })}>
            <Text inverse={top + i === index} wrap="truncate-end">
              {top + i === index ? '> ' : '  '}
              {c.id.padEnd(26)} <Text dimColor>{(c.keys[0] ? keyLabel(c.keys[0]) : '').padEnd(7)}</Text> {c.description}
            </Text>
          </Clickable>
        ))
      ) : (
        <Text dimColor wrap="wrap">
          {elsewhere ? whyNotHere(keymap, elsewhere, panes.some((p) => p.scope === elsewhere.scope)) : 'no command here matches'}
        </Text>
      )}
    </Box>
  );
}
