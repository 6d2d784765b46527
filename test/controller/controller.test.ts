import { describe, expect, it } from 'vitest';
import { createController, registerCoreHandlers, registerVmActions, type VmActionRunner } from '../../src/controller/index.js';
import { buildKeymap } from '../../src/keymap/index.js';
import { createStore, type VmRef } from '../../src/store/index.js';

function make(opts: { readOnly?: boolean; run?: VmActionRunner } = {}) {
  const store = createStore();
  store.dispatch({ type: 'hosts/init', hosts: [{ name: 'hv1', vms: ['vm1', 'vm2', 'vm3'].map((name) => ({ name, role: '', unit: `microvm@${name}` })) }] });
  store.dispatch({ type: 'ui/readOnly', readOnly: Boolean(opts.readOnly) });
  const c = createController({ store, keymap: buildKeymap() });
  registerCoreHandlers(c);
  const calls: Array<[string, VmRef]> = [];
  registerVmActions(c, {
    run:
      opts.run ??
      (async (verb, t) => {
        calls.push([verb, t]);
        return { ok: true };
      }),
  });
  return { store, c, calls };
}
const flush = () => new Promise((r) => setImmediate(r));

describe('controller', () => {
  it('a refusal in read-only mode is handed to onRefused (the audit log), root shells included unless allowed', async () => {
    for (const shellsInReadOnly of [false, true]) {
      const store = createStore();
      store.dispatch({ type: 'hosts/init', hosts: [{ name: 'hv1', vms: [{ name: 'vm1', role: '', unit: 'microvm@vm1' }] }] });
      store.dispatch({ type: 'ui/readOnly', readOnly: true, shellsInReadOnly });
      store.dispatch({ type: 'ui/select', ref: { host: 'hv1', vm: 'vm1' } });
      const refused: unknown[] = [];
      const c = createController({ store, keymap: buildKeymap(), onRefused: (r) => refused.push(r) });
      const shells: string[] = [];
      c.register('vm.shell', () => void shells.push('vm1'));
      c.register('vm.restart', () => {
        throw new Error('must not run');
      });
      await c.run('vm.restart', 'grid');
      await c.run('vm.shell', 'grid');
      expect(refused[0]).toMatchObject({ id: 'vm.restart', host: 'hv1', target: 'vm1' });
      if (shellsInReadOnly) {
        expect(refused).toHaveLength(1);
        expect(shells).toEqual(['vm1']);
      } else {
        expect(refused[1]).toMatchObject({ id: 'vm.shell', host: 'hv1', target: 'vm1' });
        expect(shells).toEqual([]);
        expect(store.getState().ui.status?.text).toMatch(/^read-only: Open a shell/);
      }
    }
  });

  it('refuses a dangerous command in read-only mode before any handler runs', async () => {
    const { c, store, calls } = make({ readOnly: true });
    await c.run('vm.restart');
    expect(store.getState().ui.dialog).toBeNull();
    expect(store.getState().ui.status?.text).toMatch(/read-only/);
    expect(calls).toEqual([]);
  });

  it('refuses too when only the selected VM\'s host is read-only', async () => {
    const { c, store, calls } = make();
    store.dispatch({ type: 'hosts/init', hosts: [{ name: 'hv1', readOnly: true, vms: [{ name: 'vm1', role: '', unit: 'microvm@vm1' }] }] });
    await c.run('vm.stop');
    expect(store.getState().ui.status?.text).toMatch(/read-only/);
    expect(calls).toEqual([]);
  });

  it('acts on all marked VMs after one confirmation, naming them and the host', async () => {
    const { c, store, calls } = make();
    store.dispatch({ type: 'ui/toggleMark', ref: { host: 'hv1', vm: 'vm1' } });
    store.dispatch({ type: 'ui/toggleMark', ref: { host: 'hv1', vm: 'vm3' } });
    const done = c.run('vm.restart');
    await flush();
    const d = store.getState().ui.dialog!;
    expect(d.title).toBe('Restart vm1, vm3 on hv1?');
    expect(d.lines).toContain('on hv1');
    expect(d.commands).toEqual(['systemctl restart microvm@vm1', 'systemctl restart microvm@vm3']);
    expect(calls).toEqual([]);
    await c.run('dialog.confirm');
    await done;
    expect(calls).toEqual([
      ['restart', { host: 'hv1', vm: 'vm1' }],
      ['restart', { host: 'hv1', vm: 'vm3' }],
    ]);
    expect(store.getState().ui.marked).toEqual([]);
    expect(store.getState().ui.status).toMatchObject({ kind: 'ok', text: 'restarted vm1, vm3 on hv1' });
    expect(Object.keys(store.getState().ui.pending).sort()).toEqual(['hv1/vm1', 'hv1/vm3']);
  });

  it('does nothing when the dialog is cancelled', async () => {
    const { c, store, calls } = make();
    const done = c.run('vm.stop');
    await flush();
    await c.run('dialog.cancel');
    await done;
    expect(calls).toEqual([]);
    expect(store.getState().ui.dialog).toBeNull();
    expect(store.getState().ui.status?.text).toBe('stop cancelled');
  });

  it('shows a failure and stops the spinner of the failed VM', async () => {
    const { c, store } = make({
      run: async (_v, t) => {
        if (t.vm === 'vm1') throw new Error('hv1: connection refused');
        return { ok: false, message: 'unit failed: exit-code' };
      },
    });
    const done = c.run('vm.start');
    await flush();
    await c.run('dialog.confirm');
    await done;
    expect(store.getState().ui.status).toMatchObject({ kind: 'error', text: 'vm1: start failed: hv1: connection refused' });
    expect(store.getState().ui.pending).toEqual({});
  });

  it('requires the exact typed text for a typed confirmation', async () => {
    const { c, store } = make();
    const answer = c.confirm({ title: 'Roll back vm1?', typeToConfirm: 'vm1' });
    store.dispatch({ type: 'ui/dialogInput', input: 'vm' });
    await c.run('prompt.submit');
    expect(store.getState().ui.dialog?.error).toBe('type vm1 to confirm');
    store.dispatch({ type: 'ui/dialogInput', input: 'vm1' });
    await c.run('prompt.submit');
    await expect(answer).resolves.toBe(true);
    expect(store.getState().ui.dialog).toBeNull();
  });

  it('registers only commands of the table and lists them as available', () => {
    const { c, store } = make();
    expect(() => c.register('vm.explode', () => {})).toThrow(/no command/);
    expect(store.getState().ui.available['log.open']).toBeUndefined();
    const off = c.register('log.open', () => {});
    expect(store.getState().ui.available['log.open']).toBe(true);
    off();
    expect(store.getState().ui.available['log.open']).toBeUndefined();
  });

  it('puts a handler error in the status line instead of crashing', async () => {
    const { c, store } = make();
    c.register('host.doctor', () => {
      throw new Error('boom');
    });
    await c.run('host.doctor');
    expect(store.getState().ui.status).toMatchObject({ kind: 'error', text: 'host.doctor: boom' });
  });

  it('ctrl-c closes what is in front first and quits only from the grid', async () => {
    const { c, store } = make();
    let quit = 0;
    c.onQuit(() => quit++);
    store.dispatch({ type: 'ui/paletteOpen' });
    await c.run('app.interrupt');
    expect(store.getState().ui.palette).toBeNull();
    expect(quit).toBe(0);
    await c.run('app.interrupt');
    expect(quit).toBe(1);
  });
});
