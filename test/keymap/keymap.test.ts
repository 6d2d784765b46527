import { describe, expect, it } from 'vitest';
import {
  COMMANDS,
  KeymapError,
  buildKeymap,
  conflicts,
  helpSections,
  hintsFor,
  normalizeKey,
  paletteMatches,
  visibleCommands,
  type Scope,
  type Visibility,
} from '../../src/keymap/index.js';

const all = (readOnly = false): Visibility => ({ available: Object.fromEntries(COMMANDS.map((c) => [c.id, true as const])), readOnly });
const SCOPES = [...new Set(COMMANDS.map((c) => c.scope))] as Scope[];

describe('the command table', () => {
  it('gives every command a dotted id, a description and valid key names', () => {
    const ids = new Set<string>();
    for (const c of COMMANDS) {
      expect(c.id, c.id).toMatch(/^[a-z]+\.[A-Za-z]+$/);
      expect(ids.has(c.id), `duplicate id ${c.id}`).toBe(false);
      ids.add(c.id);
      expect(c.description.length, c.id).toBeGreaterThan(3);
      for (const k of c.keys) expect(normalizeKey(k), `${c.id}: ${k}`).toBe(k);
    }
  });

  it('binds no key twice within a scope, counting the global keys each scope reaches', () => {
    expect(conflicts(COMMANDS)).toEqual([]);
  });

  it('reports a key bound twice, including a scope key shadowing a global one', () => {
    const bad = [...COMMANDS, { id: 'vm.other', keys: ['r'], description: 'clash', scope: 'grid' as const }, { id: 'log.quit', keys: ['q'], description: 'clash', scope: 'logs' as const }];
    const found = conflicts(bad);
    expect(found.some((p) => p.includes('vm.restart') && p.includes('vm.other'))).toBe(true);
    expect(found.some((p) => p.includes('app.quit') && p.includes('log.quit'))).toBe(true);
  });

  it('names everything the issues ask for', () => {
    const ids = new Set(COMMANDS.map((c) => c.id));
    for (const id of ['vm.restart', 'vm.start', 'vm.stop', 'vm.shell', 'log.open', 'log.add', 'snapshot.open', 'host.doctor', 'host.deploy', 'vm.update', 'vm.mark', 'grid.filter', 'app.palette', 'app.help', 'app.quit', 'app.interrupt', 'nav.up', 'nav.down', 'nav.first', 'nav.last'])
      expect(ids.has(id), id).toBe(true);
    const km = buildKeymap();
    expect(km.resolve('grid', 'r')?.id).toBe('vm.restart');
    expect(km.resolve('grid', 'S')?.id).toBe('vm.start');
    expect(km.resolve('grid', 'X')?.id).toBe('vm.stop');
    expect(km.resolve('grid', 'j')?.id).toBe('nav.down');
    expect(km.resolve('grid', 'k')?.id).toBe('nav.up');
    expect(km.resolve('grid', '?')?.id).toBe('app.help');
    expect(km.resolve('grid', 'l')?.id).toBe('log.open');
  });
});

describe('resolving keys by focus', () => {
  const km = buildKeymap();
  it('modal scopes own the keyboard except ctrl-c', () => {
    expect(km.resolve('dialog', 'q')).toBeUndefined();
    expect(km.resolve('dialog', 'y')?.id).toBe('dialog.confirm');
    expect(km.resolve('dialog', 'return')?.id).toBe('dialog.enter'); // confirms, except in a y/N question
    expect(km.resolve('dialog', 'ctrl-c')?.id).toBe('app.interrupt');
    expect(km.resolve('help', 'q')?.id).toBe('help.close');
  });
  it('text fields take printable keys as text', () => {
    expect(km.resolve('palette', 'q')).toBeUndefined();
    expect(km.resolve('filter', 'j')).toBeUndefined();
    expect(km.resolve('prompt', 'y')).toBeUndefined();
    expect(km.resolve('palette', 'return')?.id).toBe('palette.run');
  });
  it('pane scopes reach the global keys', () => {
    expect(km.resolve('logs', 'q')?.id).toBe('app.quit');
    expect(km.resolve('logs', 'j')?.id).toBe('log.down');
  });
});

describe('rebinding from the inventory', () => {
  it('moves a command to new keys, and help and hints follow', () => {
    const km = buildKeymap({ keys: { 'vm.restart': 'R', 'app.help': ['?', 'ctrl-g'] } });
    expect(km.resolve('grid', 'R')?.id).toBe('vm.restart');
    expect(km.resolve('grid', 'r')).toBeUndefined();
    const grid = helpSections(km, all()).find((s) => s.scope === 'grid')!;
    expect(grid.rows.find((r) => r.id === 'vm.restart')?.keys).toBe('R');
    expect(hintsFor(km, 'grid', all())).toContainEqual({ keys: 'R', label: 'restart' });
    expect(km.resolve('grid', 'ctrl-g')?.id).toBe('app.help');
  });

  it('a vim user can take l back for moving right, logs staying on enter (docs/keys.md shows this)', () => {
    const km = buildKeymap({ keys: { 'nav.right': ['right', 'l'], 'log.open': 'return' } });
    expect(['h', 'j', 'k', 'l'].map((k) => km.resolve('grid', k)?.id)).toEqual(['nav.left', 'nav.down', 'nav.up', 'nav.right']);
    expect(km.resolve('grid', 'return')?.id).toBe('log.open');
    // without moving logs off l, the clash is refused at start
    expect(() => buildKeymap({ keys: { 'nav.right': ['right', 'l'] } })).toThrow(/key "l" is bound to both/);
  });

  it('accepts the usual spellings of keys', () => {
    expect(normalizeKey('Ctrl+R')).toBe('ctrl-r');
    expect(normalizeKey('C-x')).toBe('ctrl-x');
    expect(normalizeKey('Esc')).toBe('escape');
    expect(normalizeKey('enter')).toBe('return');
    expect(normalizeKey(' ')).toBe('space');
    expect(normalizeKey('hyper-q')).toBeNull();
  });

  it('refuses an unknown command id, an unknown key and a clash, naming them', () => {
    expect(() => buildKeymap({ keys: { 'vm.reboot': 'b' } })).toThrow(/unknown command id "vm.reboot"/);
    expect(() => buildKeymap({ keys: { 'vm.restart': 'meta-q' } })).toThrow(/unknown key "meta-q"/);
    expect(() => buildKeymap({ keys: { 'vm.restart': 'j' } })).toThrow(KeymapError);
    expect(() => buildKeymap({ keys: { 'vm.restart': 'j' } })).toThrow(/nav.down and vm.restart|vm.restart and nav.down/);
    // a grid key that would hide the global quit
    expect(() => buildKeymap({ keys: { 'vm.stop': 'q' } })).toThrow(/app.quit/);
  });

  it('adds custom commands from the inventory, checked like the rest', () => {
    const km = buildKeymap({ custom: [{ name: 'reboot-guest', key: 'b', description: 'Reboot the guest', dangerous: true }] });
    expect(km.resolve('grid', 'b')?.id).toBe('custom.reboot-guest');
    expect(km.get('custom.reboot-guest')?.dangerous).toBe(true);
    expect(() => buildKeymap({ custom: [{ name: 'x', key: 'r' }] })).toThrow(/vm.restart/);
  });
});

describe('what is shown', () => {
  const km = buildKeymap();
  it('hides commands without a handler from help, hints and the palette', () => {
    const v: Visibility = { available: { 'app.quit': true, 'vm.restart': true }, readOnly: false };
    expect(visibleCommands(km, v).map((c) => c.id).sort()).toEqual(['app.quit', 'vm.restart']);
    expect(hintsFor(km, 'grid', v).map((h) => h.label)).toEqual(['restart', 'quit']);
    expect(helpSections(km, v).flatMap((s) => s.rows.map((r) => r.id)).sort()).toEqual(['app.quit', 'vm.restart']);
    expect(paletteMatches(km, v, '').map((c) => c.id).sort()).toEqual(['app.quit', 'vm.restart']);
  });

  it('read-only drops every dangerous command from hints, help and palette, and only those', () => {
    const dangerous = COMMANDS.filter((c) => c.dangerous).map((c) => c.id);
    expect(dangerous.length).toBeGreaterThan(5);
    const ro = all(true);
    const shown = new Set([
      ...SCOPES.flatMap((s) => hintsFor(km, s, ro).map((h) => km.commands.find((c) => c.hint === h.label && c.scope === s)?.id)),
      ...helpSections(km, ro).flatMap((s) => s.rows.map((r) => r.id)),
      ...paletteMatches(km, ro, '').map((c) => c.id),
    ]);
    for (const id of dangerous) expect(shown.has(id), id).toBe(false);
    const helpIds = new Set(helpSections(km, ro).flatMap((s) => s.rows.map((r) => r.id)));
    for (const c of COMMANDS.filter((x) => !x.dangerous && !x.shell)) expect(helpIds.has(c.id), c.id).toBe(true);
    // root shells: off in read-only unless the inventory's shellsInReadOnly keeps them
    const shells = COMMANDS.filter((x) => x.shell).map((c) => c.id);
    expect(shells).toEqual(['vm.shell', 'host.shell']);
    for (const id of shells) expect(helpIds.has(id), id).toBe(false);
    const roShells = new Set(helpSections(km, { ...ro, shellsInReadOnly: true }).flatMap((s) => s.rows.map((r) => r.id)));
    for (const id of shells) expect(roShells.has(id), id).toBe(true);
    // and with read-only off they are there
    const rw = new Set(helpSections(km, all()).flatMap((s) => s.rows.map((r) => r.id)));
    for (const id of dangerous) expect(rw.has(id), id).toBe(true);
  });

  it('ranks palette matches by id, k9s-style', () => {
    expect(paletteMatches(km, all(), 'restart')[0]?.id).toBe('vm.restart');
    expect(paletteMatches(km, all(), 'quit')[0]?.id).toBe('app.quit');
    expect(paletteMatches(km, all(), 'zzz-nothing')).toEqual([]);
  });
});
