// Shared types of the keymap: one table of commands, each with its keys, description and scope.

/** Where a command applies. `global` is reachable from every non-modal scope. */
export type Scope =
  | 'global'
  | 'grid'
  | 'dialog'
  | 'prompt'
  | 'palette'
  | 'filter'
  | 'help'
  | 'messages'
  | 'input'
  | 'logs'
  | 'snapshots'
  | 'deploy'
  | 'doctor';

export interface CommandSpec {
  /** Dotted id, e.g. 'vm.restart'. */
  id: string;
  /** Normalised key names: 'j', 'G', 'down', 'ctrl-c', 'space', 'return', 'escape'. */
  keys: string[];
  description: string;
  scope: Scope;
  /** Changes something on a host: confirmed, and hidden in read-only mode. */
  dangerous?: boolean;
  /** Opens a root shell: off in read-only mode unless the inventory's `shellsInReadOnly` allows it (as k9s). */
  shell?: boolean;
  /** Short label for the hint bar; without it the command is not hinted. */
  hint?: string;
}

/** Modal scopes own the keyboard: only their own commands and the ALWAYS set resolve there. */
export const MODAL_SCOPES: ReadonlySet<Scope> = new Set(['dialog', 'prompt', 'palette', 'filter', 'input', 'help', 'messages']);

/** Text-entry scopes: printable characters go to the text field, never to a command. */
export const TEXT_SCOPES: ReadonlySet<Scope> = new Set(['prompt', 'palette', 'filter', 'input']);

/** Global commands that still resolve inside modal scopes. */
export const ALWAYS: ReadonlySet<string> = new Set(['app.interrupt']);

/** True for a key name a text field takes as typed text. */
export function isPrintableKey(name: string): boolean {
  return name.length === 1 || name === 'space';
}
