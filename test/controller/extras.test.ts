import { describe, expect, it } from 'vitest';
import { createController, registerCoreHandlers, registerCustomCommands, startCominWatch } from '../../src/controller/index.js';
import { buildKeymap } from '../../src/keymap/index.js';
import { createStore } from '../../src/store/index.js';

function make() {
  const store = createStore();
  store.dispatch({ type: 'hosts/init', hosts: ['hv1', 'hv2'].map((name) => ({ name, vms: [{ name: `${name}-vm`, role: '', unit: 'microvm@x' }] })) });
  const keymap = buildKeymap({ custom: [{ name: 'reboot-guest', key: 'b', dangerous: true }, { name: 'uptime', key: 'U' }] });
  const c = createController({ store, keymap });
  registerCoreHandlers(c);
  return { store, c };
}
const flush = () => new Promise((r) => setImmediate(r));

describe('custom commands', () => {
  it('run on the selected VM\'s host, confirmed when dangerous', async () => {
    const { store, c } = make();
    const ran: unknown[] = [];
    registerCustomCommands(
      c,
      [
        { host: 'hv2', name: 'reboot-guest', command: 'ssh {vm} reboot', dangerous: true, onVm: true },
        { host: 'hv1', name: 'uptime', command: 'uptime', dangerous: false, onVm: false },
      ],
      async (host, name, vm) => {
        ran.push([host, name, vm]);
        return { ok: true, message: 'finished in 0.1s' };
      },
    );
    store.dispatch({ type: 'ui/select', ref: { host: 'hv2', vm: 'hv2-vm' } });
    const p = c.run('custom.reboot-guest');
    await flush();
    expect(store.getState().ui.dialog?.title).toBe('Run reboot-guest on hv2-vm on hv2?');
    await c.run('dialog.confirm');
    await p;
    expect(ran).toEqual([['hv2', 'reboot-guest', 'hv2-vm']]);
    // uptime is defined on hv1 only
    await c.run('custom.uptime');
    expect(store.getState().ui.status?.text).toBe('uptime is not defined on hv2');
    expect(ran).toHaveLength(1);
  });
});

describe('comin', () => {
  it('shows comin where there is one and offers fetch only then', async () => {
    const { store, c } = make();
    let fetched = '';
    const stop = startCominWatch(c, {
      hosts: ['hv1', 'hv2'],
      status: async (h) => (h === 'hv2' ? { commit: 'abc123', status: 'done', fetchedAt: 1 } : null),
      fetch: async (h) => {
        fetched = h;
        return { ok: true, message: 'finished in 1s' };
      },
      everyMs: 60_000,
    });
    expect(store.getState().ui.available['host.cominFetch']).toBeUndefined();
    await flush();
    await flush();
    stop();
    expect(store.getState().hosts.byName.hv1!.comin).toBeNull();
    expect(store.getState().hosts.byName.hv2!.comin?.commit).toBe('abc123');
    expect(store.getState().ui.available['host.cominFetch']).toBe(true);
    store.dispatch({ type: 'ui/select', ref: { host: 'hv1', vm: 'hv1-vm' } });
    await c.run('host.cominFetch');
    expect(store.getState().ui.status?.text).toBe('hv1 has no Comin');
    expect(fetched).toBe('');
  });
});
