import { Text } from 'ink';
import { useStore } from '../hooks/context.js';

/** `/`: the grid's filter as it is typed (regex, `!` inverts); stays shown while a filter applies. */
export function FilterBar() {
  const filter = useStore((s) => s.ui.filter);
  if (!filter.editing && !filter.text) return null;
  return (
    <Text wrap="truncate-end">
      <Text bold color="cyan">/</Text>
      {filter.text}
      {filter.editing ? <Text inverse> </Text> : <Text dimColor> (esc clears)</Text>}
    </Text>
  );
}
