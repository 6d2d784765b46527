import type { Action, AppState } from './slices/index.js';
import { selectFocusStack } from './selectors.js';
import { logsTyping } from './slices/logs.js';
import { snapshotsTyping } from './slices/snapshots.js';
import type { TextEdit } from './text-edit.js';

// The text field that has the focus, read from the state itself: a key that opens a field (`/`) and the keys
// after it in the same read reach the field before any frame is drawn.

export interface TextField {
  value: string;
  /** The action that sets the field's text. */
  set(text: string): Action;
  /** A field with a cursor and a selection (a log pane's filter): the action for one edit (text-edit.ts). */
  edit?(e: TextEdit): Action;
}

export function selectTextField(s: AppState): TextField | null {
  const stack = selectFocusStack(s);
  const top = stack[stack.length - 1];
  if (top === 'prompt' && s.ui.dialog) return { value: s.ui.dialog.input ?? '', set: (input) => ({ type: 'ui/dialogInput', input }) };
  if (top === 'palette' && s.ui.palette) return { value: s.ui.palette.query, set: (query) => ({ type: 'ui/paletteQuery', query }) };
  if (top !== 'filter' && top !== 'input') return null;
  if (s.ui.filter.editing) return { value: s.ui.filter.text, set: (text) => ({ type: 'ui/filterText', text }), edit: (edit) => ({ type: 'ui/filterEdit', edit }) };
  const pane = s.ui.panes.find((p) => p.id === s.ui.activePane);
  if (pane?.kind === 'snapshots' && snapshotsTyping(s.snapshots)) {
    const naming = s.snapshots.naming;
    return naming !== null
      ? { value: naming, set: (text) => ({ type: 'snapshots/naming', text }) }
      : { value: s.snapshots.filter.text, set: (text) => ({ type: 'snapshots/filterText', text }) };
  }
  const log = pane?.kind === 'logs' ? s.logs.byId[pane.id] : undefined;
  if (pane && log && logsTyping(log)) {
    return log.prompt !== null
      ? { value: log.prompt, set: (text) => ({ type: 'logs/prompt', id: pane.id, text }) }
      : { value: log.filter.text, set: (text) => ({ type: 'logs/filterText', id: pane.id, text }), edit: (edit) => ({ type: 'logs/filterEdit', id: pane.id, edit }) };
  }
  return null;
}
