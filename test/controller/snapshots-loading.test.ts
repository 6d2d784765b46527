import { describe, expect, it } from 'vitest';
import { createController, registerCoreHandlers } from '../../src/controller/index.js';
import { registerSnapshotHandlers } from '../../src/controller/snapshots.js';
import { buildKeymap } from '../../src/keymap/index.js';
import type { SnapshotListing } from '../../src/model/snapshots.js';
import type { SnapshotService } from '../../src/services/snapshots.js';
import { createStore } from '../../src/store/index.js';

const flush = () => new Promise((r) => setImmediate(r));

// R or ctrl-d pressed as the browser opens, before its list is read (an operator's quick z R; an e2e test under load
// did it): they say the list is not read yet, not "no snapshot selected", and nothing runs.
describe('the snapshot browser while its list is read', () => {
  it('rollback and destroy say the list is still being read; once read, nothing was asked or run', async () => {
    const store = createStore();
    store.dispatch({ type: 'hosts/init', hosts: [{ name: 'hv', vms: [{ name: 'vm1', role: '', unit: 'microvm@vm1' }] }] });
    const c = createController({ store, keymap: buildKeymap({}) });
    registerCoreHandlers(c);
    let answer: (l: SnapshotListing) => void = () => undefined;
    const calls: string[] = [];
    const svc = {
      deps: { inventory: { hosts: [{ name: 'hv', vms: [{ name: 'vm1', dataset: 'microvms/storage/vm1' }] }] } },
      vm: () => ({ vm: { name: 'vm1', dataset: 'microvms/storage/vm1' } }),
      list: () => new Promise<SnapshotListing>((r) => (answer = r)),
      destroy: () => void calls.push('destroy'),
    } as unknown as SnapshotService;
    registerSnapshotHandlers(c, { service: svc });
    store.dispatch({ type: 'ui/select', ref: { host: 'hv', vm: 'vm1' } });
    const opened = c.run('snapshot.open');
    await flush();
    await c.run('snapshot.rollback');
    expect(store.getState().ui.status?.text).toBe('the snapshots are still being read: try again in a moment');
    await c.run('snapshot.destroy');
    expect(store.getState().ui.status?.text).toBe('the snapshots are still being read: try again in a moment');
    answer({ host: 'hv', datasets: [{ name: 'microvms/storage/vm1', snapshots: [] }] } as unknown as SnapshotListing);
    await opened;
    await c.run('snapshot.rollback');
    expect(store.getState().ui.status?.text).toBe('no snapshot selected');
    expect(store.getState().ui.dialog).toBeFalsy();
    expect(calls).toEqual([]);
  });
});
