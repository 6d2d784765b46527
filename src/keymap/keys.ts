// Key names: a printable character stands for itself ('j', 'G', '?'); named keys are lower-case words;
// control combinations are 'ctrl-x'. Config files may use the common spellings below.

const NAMED = new Set(['up', 'down', 'left', 'right', 'pageup', 'pagedown', 'home', 'end', 'return', 'escape', 'tab', 'shift-tab', 'backspace', 'delete', 'space']);
const ALIASES: Record<string, string> = {
  enter: 'return',
  ret: 'return',
  esc: 'escape',
  pgup: 'pageup',
  pgdn: 'pagedown',
  'page-up': 'pageup',
  'page-down': 'pagedown',
  del: 'delete',
  bs: 'backspace',
  ' ': 'space',
  'backtab': 'shift-tab',
};

/** Canonical form of a key written by a person ('Ctrl+C', 'C-c', 'Esc', 'enter'), or null when unknown. */
export function normalizeKey(raw: string): string | null {
  if (raw.length === 1) return raw === ' ' ? 'space' : raw.charCodeAt(0) > 32 && raw.charCodeAt(0) !== 127 ? raw : null;
  const lower = raw.trim().toLowerCase();
  const ctrl = /^(?:ctrl|control|c)[-+]([a-z])$/.exec(lower);
  if (ctrl) return `ctrl-${ctrl[1]}`;
  const named = ALIASES[lower] ?? lower;
  return NAMED.has(named) ? named : null;
}

const LABELS: Record<string, string> = { up: '↑', down: '↓', left: '←', right: '→', return: 'enter', escape: 'esc', pageup: 'pgup', pagedown: 'pgdn' };

/** How a key is shown in help and hints. */
export function keyLabel(name: string): string {
  if (name.startsWith('ctrl-')) return `ctrl-${name.slice(5)}`;
  return LABELS[name] ?? name;
}
