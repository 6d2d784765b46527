import { Text } from 'ink';
import { useServices, useStore, useVisibility } from '../hooks/context.js';
import { hintsFor } from '../keymap/visible.js';
import { selectTopScope } from '../store/selectors.js';
import { STATUS_COLOR } from './theme.js';

/** Cuts at the last whole hint that fits (hints are separated by two spaces). */
function fitHints(hints: string[], max: number): string {
  let out = '';
  for (const h of hints) {
    const next = out ? `${out}  ${h}` : h;
    if (next.length > max) break;
    out = next;
  }
  return out;
}

function cut(text: string, max: number): string {
  if (max <= 0) return '';
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * The bottom line: the last outcome on the left, the focused scope's keys on the right. Widths are computed
 * here, not by flex: a status line that wraps pushes the whole screen up one row.
 */
export function StatusLine({ width }: { width: number }) {
  const { keymap } = useServices();
  const scope = useStore(selectTopScope);
  const msg = useStore((s) => s.ui.status);
  const vis = useVisibility();
  const hints = hintsFor(keymap, scope, vis).map((h) => `${h.keys} ${h.label}`);
  const ro = vis.readOnly ? 'READ-ONLY ' : '';
  const avail = Math.max(0, width - ro.length);
  const hintText = fitHints(hints, msg ? Math.floor(avail / 2) : avail);
  const msgText = msg ? cut(msg.text, avail - hintText.length - 1) : '';
  const gap = ' '.repeat(Math.max(0, avail - msgText.length - hintText.length));
  return (
    <Text wrap="truncate-end">
      {ro ? (
        <Text color="yellow" bold>
          {ro}
        </Text>
      ) : null}
      <Text color={msg ? STATUS_COLOR[msg.kind] : undefined}>{msgText}</Text>
      {gap}
      <Text dimColor>{hintText}</Text>
    </Text>
  );
}
