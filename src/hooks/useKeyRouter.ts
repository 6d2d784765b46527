import { useEffect } from 'react';
import { useStdin } from 'ink';
import type { KeyEvent, MouseEvent } from '../input/keys.js';
import type { Scope } from '../keymap/types.js';
import { useClickTargets, type ClickTargets } from './useClickTarget.js';
import { readKeys } from '../input/reader.js';
import { selectTopScope } from '../store/selectors.js';
import { keyEdit } from '../store/text-edit.js';
import { selectTextField } from '../store/text-field.js';
import { useServices, type AppServices } from './context.js';

/** Typed or pasted text without the control characters a paste may carry (newlines, tabs, escapes). */
function printable(text: string): string {
  return [...text].filter((ch) => ch.charCodeAt(0) >= 32 && ch.charCodeAt(0) !== 127 && !(ch.charCodeAt(0) >= 0x80 && ch.charCodeAt(0) < 0xa0)).join('');
}

/**
 * One key, routed against the state as it is now (the keys before it in the same read have already acted):
 * typed text and backspace edit the focused text field; the key's name is resolved against the top of the
 * focus stack (a dialog above a palette above a pane above the grid) and the command goes to the controller.
 * A paste edits a text field and is ignored anywhere else: pasted text is never taken as commands.
 */
export function routeKey({ store, controller, keymap }: AppServices, key: KeyEvent, targets?: ClickTargets | null): void {
  const state = store.getState();
  if (key.mouse) return routeMouse({ store, controller, keymap }, key.mouse, targets);
  const field = selectTextField(state);
  if (key.paste !== undefined) {
    const text = printable(key.paste);
    if (field && text) {
      store.expedite();
      store.dispatch(field.edit ? field.edit({ kind: 'insert', text }) : field.set(field.value + text));
    }
    return;
  }
  if (field?.edit) {
    // A field with a cursor takes the arrows and home/end too; enter and escape stay commands.
    const e = keyEdit(key.name, printable(key.text));
    if (e) {
      store.expedite();
      store.dispatch(field.edit(e));
      return;
    }
  }
  const edit = !field ? null : key.name === 'backspace' || key.name === 'delete' ? [...field.value].slice(0, -1).join('') : key.text ? field.value + printable(key.text) : null;
  if (field && edit !== null && edit !== field.value) {
    store.expedite();
    store.dispatch(field.set(edit));
  }
  if (!key.name) return;
  const scope = selectTopScope(state);
  const spec = keymap.resolve(scope, key.name);
  if (!spec) return;
  store.expedite();
  void controller.run(spec.id, scope);
}

/** What a wheel notch runs where: up, down (three lines a notch). */
const WHEEL: Partial<Record<Scope, [string, string]>> = { logs: ['log.up', 'log.down'], help: ['help.up', 'help.down'], deploy: ['deploy.up', 'deploy.down'] };
const WHEEL_LINES = 3;

/** A click selects what is under it (a card, a pane, a list line); the wheel scrolls the focused log, help or
 *  deploy pane. Nothing is clicked through an open question. */
function routeMouse({ store, controller }: AppServices, m: MouseEvent, targets?: ClickTargets | null): void {
  const scope = selectTopScope(store.getState());
  if (m.kind === 'wheelUp' || m.kind === 'wheelDown') {
    const ids = WHEEL[scope];
    if (!ids) return;
    store.expedite();
    for (let i = 0; i < WHEEL_LINES; i++) void controller.run(m.kind === 'wheelUp' ? ids[0] : ids[1], scope);
    return;
  }
  if (m.kind !== 'press' || m.button !== 0 || scope === 'dialog' || scope === 'prompt') return;
  const action = targets?.hit(m.x, m.y);
  if (!action) return;
  store.expedite();
  action();
}

/**
 * The one key router, mounted at the root. Keys are read from the terminal here (not through Ink's useInput,
 * which hands a read of several keys over as one input): each key of a read is routed alone, in order.
 * Inactive without a TTY.
 */
export function useKeyRouter(): void {
  const services = useServices();
  const targets = useClickTargets();
  const { stdin, isRawModeSupported } = useStdin();
  useEffect(() => {
    if (!isRawModeSupported) return;
    stdin.setRawMode(true);
    return readKeys(stdin, (key) => routeKey(services, key, targets));
  }, [stdin, isRawModeSupported, services, targets]);
}
