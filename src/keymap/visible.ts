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
  input: 'Name field (J unit, n snapshot name)',
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

const NOT_IN_PALETTE = new Set<Scope>(['dialog', 'prompt', 'palette', 'filter', 'input', 'help', 'messages']);

/**
 * Palette matches: every visible command whose id or description contains each typed word, among the commands
 * of the scopes in `where` (the scopes the operator is in; default every view's).
 */
export function paletteMatches(km: Keymap, v: Visibility, query: string, where?: readonly Scope[]): CommandSpec[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const cmds = visibleCommands(km, v).filter((c) => !NOT_IN_PALETTE.has(c.scope) && (!where || where.includes(c.scope)));
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

/** Matches of the query that run only in another view (not in `where`), best first. */
export function paletteElsewhere(km: Keymap, v: Visibility, query: string, where: readonly Scope[]): CommandSpec[] {
  if (!query.trim()) return [];
  return paletteMatches(km, v, query).filter((c) => !where.includes(c.scope));
}

/** The pane each view's commands run in, and the command that opens it. */
const PANE_OF: Partial<Record<Scope, { name: string; opener: string }>> = {
  logs: { name: 'a log pane', opener: 'log.open' },
  snapshots: { name: 'the snapshot browser', opener: 'snapshot.open' },
  doctor: { name: 'the doctor', opener: 'host.doctor' },
  deploy: { name: 'the deploy output', opener: 'host.deploy' },
};

/** Why `c` cannot run from here, and what to do: "log.zoom works in a log pane: none is open (l opens one)". */
export function whyNotHere(km: Keymap, c: CommandSpec, paneOpen: boolean): string {
  const pane = PANE_OF[c.scope];
  if (!pane) return `${c.id} does not run from here`;
  if (paneOpen) {
    const next = km.get('pane.next')?.keys[0];
    return `${c.id} works in ${pane.name}: move to it first${next ? ` (${keyLabel(next)})` : ''}`;
  }
  const key = km.get(pane.opener)?.keys[0];
  return `${c.id} works in ${pane.name}, and none is open${key ? ` (${keyLabel(key)} opens it)` : ''}`;
}
