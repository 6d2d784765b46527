import { Text } from 'ink';
import type { EditableText } from '../store/text-edit.js';

/** A field being edited: all of it inverse while selected (typing replaces it), else a block cursor. */
export function EditedText({ field }: { field: EditableText }) {
  const { text, cursor, selected } = field;
  if (selected) return <Text inverse>{text}</Text>;
  const at = Math.max(0, Math.min(cursor, text.length));
  const under = at < text.length ? String.fromCodePoint(text.codePointAt(at)!) : ' ';
  return (
    <Text>
      {text.slice(0, at)}
      <Text inverse>{under}</Text>
      {text.slice(at + under.length)}
    </Text>
  );
}

/** What the selection means, said once beside a field that opened selected. */
export const SELECTED_HINT = ' (typing replaces it; ← → edit it)';
