import { Box, Text } from 'ink';
import { useServices, useStore, useVisibility } from '../hooks/context.js';
import { helpSections } from '../keymap/visible.js';

/** `?`: every key of every view, generated from the keymap table (so it follows rebinding and read-only). */
export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const { keymap } = useServices();
  const vis = useVisibility();
  const scroll = useStore((s) => s.ui.help.scroll);
  const lines: Array<{ key: string; node: React.ReactNode }> = [];
  for (const s of helpSections(keymap, vis)) {
    lines.push({ key: `t-${s.scope}`, node: <Text bold color="cyan">{s.title}</Text> });
    for (const r of s.rows) {
      lines.push({
        key: r.id,
        node: (
          <Text wrap="truncate-end">
            {'  '}
            <Text bold>{r.keys.padEnd(16)}</Text> {r.description}
            {r.dangerous ? <Text color="yellow"> (confirmed)</Text> : null}
          </Text>
        ),
      });
    }
  }
  const room = Math.max(1, height - 3);
  const top = Math.min(scroll, Math.max(0, lines.length - room));
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold>
        Help{vis.readOnly ? <Text color="yellow"> · read-only: changes are disabled</Text> : null}
        <Text dimColor> · esc closes · j/k pgup/pgdn g/G scroll</Text>
      </Text>
      {lines.slice(top, top + room).map((l) => (
        <Box key={l.key}>{l.node}</Box>
      ))}
    </Box>
  );
}
