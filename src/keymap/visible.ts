import type { Keymap } from './build.js';
import { keyLabel } from './keys.js';
import { MODAL_SCOPES, type CommandSpec, type Scope } from './types.js';

// What the user is shown: only commands that have a handler, and no dangerous one in read-only mode.

export interface Visibility {
  /** Command ids with a registered handler. */
  available: Readonly<Record<string, true>>;
  readOnly: boolean;
  /** Root shells stay available in read-only mode (the inventory's `shellsInReadOnly`; default off). */
  shellsInReadOnly?: boolean;
}

/** Refused in read-only mode: every dangerous command, and the root shells unless the inventory allows them. */
export function refusedReadOnly(c: CommandSpec, v: Pick<Visibility, 'readOnly' | 'shellsInReadOnly'>): boolean {
  return v.readOnly && (Boolean(c.dangerous) || (Boolean(c.shell) && !v.shellsInReadOnly));
}

export function isVisible(c: CommandSpec, v: Visibility): boolean {
  return Boolean(v.available[c.id]) && !refusedReadOnly(c, v);
}

export function visibleCommands(km: Keymap, v: Visibility): CommandSpec[] {
  return km.commands.filter((c) => isVisible(c, v));
}

export interface Hint {
  keys: string;
  label: string;
}

/** The short bar for the focused scope: its hinted commands, then the global ones it can reach. */
export function hintsFor(km: Keymap, scope: Scope, v: Visibility): Hint[] {
  const own = km.commands.filter((c) => c.scope === scope);
  const global = MODAL_SCOPES.has(scope) || scope === 'global' ? [] : km.commands.filter((c) => c.scope === 'global');
  return [...own, ...global]
    .filter((c) => c.hint && c.keys.length && isVisible(c, v))
    .map((c) => ({ keys: keyLabel(c.keys[0]!), label: c.hint! }));
}

export const SCOPE_TITLES: Record<Scope, string> = {
  global: 'Everywhere',
  grid: 'VM grid',
  logs: 'Log panes',
  snapshots: 'Snapshot browser',
  deploy: 'Deploy output',
  doctor: 'Doctor',
  dialog: 'Confirmation',
  prompt: 'Typed confirmation',
  palette: 'Command palette',
  filter: 'Filter',
  help: 'Help',
  messages: 'Message history',
};

export interface HelpSection {
  scope: Scope;
  title: string;
  rows: Array<{ id: string; keys: string; description: string; dangerous: boolean; shell: boolean }>;
}

/** Help generated from the table, in the table's order, grouped by scope. */
export function helpSections(km: Keymap, v: Visibility): HelpSection[] {
  const sections = new Map<Scope, HelpSection>();
  for (const c of visibleCommands(km, v)) {
    let s = sections.get(c.scope);
    if (!s) sections.set(c.scope, (s = { scope: c.scope, title: SCOPE_TITLES[c.scope], rows: [] }));
    s.rows.push({ id: c.id, keys: c.keys.length ? c.keys.map(keyLabel).join(' ') : `:${c.id}`, description: c.description, dangerous: Boolean(c.dangerous), shell: Boolean(c.shell) });
  }
  return [...sections.values()];
}

/** Palette matches: every visible command whose id or description contains each typed word. */
export function paletteMatches(km: Keymap, v: Visibility, query: string): CommandSpec[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const cmds = visibleCommands(km, v).filter((c) => !['dialog', 'prompt', 'palette', 'filter', 'help'].includes(c.scope));
  if (!words.length) return cmds;
  const scored = cmds
    .map((c) => {
      const id = c.id.toLowerCase();
      const text = `${id} ${c.description.toLowerCase()}`;
      if (!words.every((w) => text.includes(w))) return null;
      // ids that start with the query (or whose last part does) come first, k9s-style
      const last = id.split('.').pop() ?? id;
      const q = words.join(' ');
      const score = id === q || last === q ? 0 : id.startsWith(q) || last.startsWith(q) ? 1 : id.includes(q) ? 2 : 3;
      return { c, score };
    })
    .filter((x): x is { c: CommandSpec; score: number } => x !== null);
  return scored.sort((a, b) => a.score - b.score).map((x) => x.c);
}
