import { describe, expect, it } from 'vitest';
import { filterMatcher, initialState, moveSelection, rootReducer, selectFocusStack, selectSelected, selectTargets, selectTopScope, selectVisibleVms, type Action, type AppState } from '../../src/store/index.js';

const reduce = (s: AppState, ...actions: Action[]) => actions.reduce(rootReducer, s);
const vms = (...names: string[]) => names.map((n) => ({ name: n, role: n === 'vm4' ? 'k3s' : 'desktop', unit: `microvm@${n}` }));
const fleet = () =>
  reduce(initialState(), {
    type: 'hosts/init',
    hosts: [
      { name: 'hv1', vms: vms('vm1', 'vm2', 'vm3', 'vm4', 'vm5') },
      { name: 'hv2', vms: vms('a1', 'a2') },
    ],
  });
const names = (s: AppState) => selectVisibleVms(s).map((r) => r.ref.vm);

describe('filter', () => {
  it('is a case-insensitive regex, ! inverts, a broken regex is a substring', () => {
    expect(filterMatcher('^VM[12]$')('vm2')).toBe(true);
    expect(filterMatcher('^vm[12]$')('vm3')).toBe(false);
    expect(filterMatcher('!vm1')('vm1')).toBe(false);
    expect(filterMatcher('!vm1')('vm2')).toBe(true);
    expect(filterMatcher('vm[')('my vm[ x')).toBe(true);
    expect(filterMatcher('')('anything')).toBe(true);
  });
  it('matches VM names, roles and host names', () => {
    expect(names(reduce(fleet(), { type: 'ui/filterText', text: 'k3s' }))).toEqual(['vm4']);
    expect(names(reduce(fleet(), { type: 'ui/filterText', text: 'hv2' }))).toEqual(['a1', 'a2']);
    expect(names(reduce(fleet(), { type: 'ui/filterText', text: '!desktop' }))).toEqual(['vm4']);
  });
});

describe('selection', () => {
  it('falls back to the first VM shown when the selected one is filtered out', () => {
    const s = reduce(fleet(), { type: 'ui/select', ref: { host: 'hv1', vm: 'vm2' } }, { type: 'ui/filterText', text: 'vm[45]' });
    expect(selectSelected(s)).toEqual({ host: 'hv1', vm: 'vm4' });
  });
  it('moves over the cards as laid out: rows of N per host', () => {
    let s = fleet();
    const go = (m: Parameters<typeof moveSelection>[1]) => {
      s = reduce(s, { type: 'ui/select', ref: moveSelection(s, m, 2) });
      return selectSelected(s)!.vm;
    };
    // hv1: [vm1 vm2] [vm3 vm4] [vm5]; hv2: [a1 a2]
    expect(go('down')).toBe('vm3');
    expect(go('right')).toBe('vm4');
    expect(go('down')).toBe('vm5'); // column clamps to the shorter row
    expect(go('down')).toBe('a1'); // next host starts a new row
    expect(go('up')).toBe('vm5');
    expect(go('left')).toBe('vm4');
    expect(go('last')).toBe('a2');
    expect(go('down')).toBe('a2');
    expect(go('first')).toBe('vm1');
    expect(go('up')).toBe('vm1');
  });
  it('acts on the marked VMs when there are any, else the selected one', () => {
    const s = reduce(fleet(), { type: 'ui/select', ref: { host: 'hv1', vm: 'vm3' } });
    expect(selectTargets(s)).toEqual([{ host: 'hv1', vm: 'vm3' }]);
    const m = reduce(s, { type: 'ui/toggleMark', ref: { host: 'hv2', vm: 'a1' } }, { type: 'ui/toggleMark', ref: { host: 'hv1', vm: 'vm1' } });
    expect(selectTargets(m)).toEqual([
      { host: 'hv1', vm: 'vm1' },
      { host: 'hv2', vm: 'a1' },
    ]);
  });
});

describe('focus', () => {
  it('stacks grid, pane, filter, help, palette, dialog in that order', () => {
    let s = fleet();
    expect(selectFocusStack(s)).toEqual(['grid']);
    s = reduce(s, { type: 'ui/paneOpen', pane: { id: 'l1', kind: 'logs', scope: 'logs' } });
    expect(selectTopScope(s)).toBe('logs');
    s = reduce(s, { type: 'ui/paletteOpen' });
    expect(selectTopScope(s)).toBe('palette');
    s = reduce(s, { type: 'ui/dialogOpen', dialog: { id: 1, title: 'x', lines: [], danger: true, typeToConfirm: 'vm1' } });
    expect(selectFocusStack(s)).toEqual(['grid', 'logs', 'prompt']);
  });
});
