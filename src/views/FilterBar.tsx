import { Text } from 'ink';
import { useServices, useStore } from '../hooks/context.js';
import { useTextInput } from '../hooks/useTextInput.js';

/** `/`: the grid's filter as it is typed (regex, `!` inverts); stays shown while a filter applies. */
export function FilterBar() {
  const { store } = useServices();
  const filter = useStore((s) => s.ui.filter);
  useTextInput(
    () => store.getState().ui.filter.text,
    (text) => store.dispatch({ type: 'ui/filterText', text }),
    filter.editing,
  );
  if (!filter.editing && !filter.text) return null;
  return (
    <Text wrap="truncate-end">
      <Text bold color="cyan">/</Text>
      {filter.text}
      {filter.editing ? <Text inverse> </Text> : <Text dimColor> (esc clears)</Text>}
    </Text>
  );
}
