import { Text } from 'ink';
import { useStore } from '../hooks/context.js';
import { EditedText, SELECTED_HINT } from './EditedText.js';

/** `/`: the grid's filter as it is typed (regex, `!` inverts); stays shown while a filter applies. */
export function FilterBar() {
  const filter = useStore((s) => s.ui.filter);
  if (!filter.editing && !filter.text) return null;
  return (
    <Text wrap="truncate-end">
      <Text bold color="cyan">/</Text>
      {filter.editing ? <EditedText field={filter} /> : filter.text}
      {filter.editing ? filter.selected ? <Text dimColor>{SELECTED_HINT}</Text> : null : <Text dimColor> (esc clears)</Text>}
    </Text>
  );
}
