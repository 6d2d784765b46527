import { COMMANDS } from './table.js';
import { normalizeKey } from './keys.js';
import { ALWAYS, MODAL_SCOPES, TEXT_SCOPES, isPrintableKey, type CommandSpec, type Scope } from './types.js';

/** A problem in the `keys:` section or in custom commands. The message is ready to print; exit 2. */
export class KeymapError extends Error {
  constructor(readonly problems: string[]) {
    super(`keymap: ${problems.join('; ')}`);
    this.name = 'KeymapError';
  }
}

export interface CustomCommandInput {
  name: string;
  key?: string;
  description?: string;
  dangerous?: boolean;
}

export interface KeymapOptions {
  /** Command id -> key(s), from the inventory's `keys:`. */
  keys?: Record<string, string | string[]>;
  /** Custom commands of every host (same name on several hosts = one command). */
  custom?: CustomCommandInput[];
  /** The base table (tests pass their own). */
  table?: readonly CommandSpec[];
}

export interface Keymap {
  readonly commands: readonly CommandSpec[];
  get(id: string): CommandSpec | undefined;
  /** The command a key runs when `scope` has the focus, or undefined. */
  resolve(scope: Scope, key: string): CommandSpec | undefined;
}

/** Scopes whose commands resolve while `scope` has the focus, most specific first. */
export function reachableScopes(scope: Scope): Scope[] {
  return scope === 'global' ? ['global'] : [scope, 'global'];
}

function reachable(commands: readonly CommandSpec[], scope: Scope): CommandSpec[] {
  if (scope === 'global') return commands.filter((c) => c.scope === 'global');
  const own = commands.filter((c) => c.scope === scope);
  const global = commands.filter((c) => c.scope === 'global' && (!MODAL_SCOPES.has(scope) || ALWAYS.has(c.id)));
  return [...own, ...global];
}

/** Builds the keymap: the table, plus custom commands, with the user's rebinding applied and checked. */
export function buildKeymap(opts: KeymapOptions = {}): Keymap {
  const problems: string[] = [];
  const commands: CommandSpec[] = (opts.table ?? COMMANDS).map((c) => ({ ...c, keys: [...c.keys] }));
  const byId = new Map(commands.map((c) => [c.id, c]));

  for (const cc of opts.custom ?? []) {
    const id = `custom.${cc.name}`;
    if (byId.has(id)) continue;
    const spec: CommandSpec = {
      id,
      keys: [],
      description: cc.description ?? `Custom command ${cc.name}`,
      scope: 'grid',
      dangerous: cc.dangerous ?? false,
    };
    if (cc.key) {
      const k = normalizeKey(cc.key);
      if (k) spec.keys.push(k);
      else problems.push(`custom command "${cc.name}": unknown key "${cc.key}"`);
    }
    commands.push(spec);
    byId.set(id, spec);
  }

  for (const [id, raw] of Object.entries(opts.keys ?? {})) {
    const spec = byId.get(id);
    if (!spec) {
      problems.push(`unknown command id "${id}" in keys`);
      continue;
    }
    const keys: string[] = [];
    for (const r of Array.isArray(raw) ? raw : [raw]) {
      const k = normalizeKey(r);
      if (k) keys.push(k);
      else problems.push(`${id}: unknown key "${r}"`);
    }
    spec.keys = keys;
  }

  problems.push(...conflicts(commands));
  if (problems.length) throw new KeymapError(problems);

  // Index per scope once: resolve runs on every keypress.
  const index = new Map<Scope, Map<string, CommandSpec>>();
  const scopes = new Set<Scope>(commands.map((c) => c.scope));
  for (const s of scopes) {
    const m = new Map<string, CommandSpec>();
    for (const c of reachable(commands, s)) for (const k of c.keys) if (!m.has(k)) m.set(k, c);
    index.set(s, m);
  }
  return {
    commands,
    get: (id) => byId.get(id),
    resolve(scope, key) {
      // In a text field, typed characters are text, not commands.
      if (TEXT_SCOPES.has(scope) && isPrintableKey(key)) return undefined;
      const m = index.get(scope) ?? index.get('global');
      return m?.get(key);
    },
  };
}

/** Every key that would resolve to two commands in one scope (a scope's own keys plus the global ones it reaches). */
export function conflicts(commands: readonly CommandSpec[]): string[] {
  const out: string[] = [];
  const scopes = new Set<Scope>(commands.map((c) => c.scope));
  for (const s of scopes) {
    const seen = new Map<string, string>();
    for (const c of reachable(commands, s)) {
      for (const k of new Set(c.keys)) {
        const other = seen.get(k);
        if (other && other !== c.id) out.push(`key "${k}" is bound to both ${other} and ${c.id} in ${s}`);
        else seen.set(k, c.id);
      }
    }
  }
  return out;
}
