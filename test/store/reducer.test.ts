import { describe, expect, it } from 'vitest';
import { HISTORY_MAX, PENDING_TIMEOUT_MS, createStore, initialState, isStale, rootReducer, staleAge, type Action, type AppState } from '../../src/store/index.js';
import { host, vm } from '../views/setup.js';

const reduce = (s: AppState, ...actions: Action[]) => actions.reduce(rootReducer, s);
const init = (): AppState =>
  reduce(initialState(), { type: 'hosts/init', hosts: [{ name: 'hv1', vms: ['vm1', 'vm2'].map((n) => ({ name: n, role: 'desktop', unit: `microvm@${n}` })) }] });

describe('hosts slice', () => {
  it('keeps a bounded memory history and turns cumulative CPU ns into a rate', () => {
    let s = init();
    for (let i = 0; i < HISTORY_MAX + 10; i++) {
      // 0.5 s of CPU per 1 s interval = 50 %
      s = reduce(s, { type: 'hosts/status', status: host('hv1', [vm('vm1', { memoryBytes: 1000 + i, cpuNs: i * 500_000_000 })]), at: i * 1000 });
    }
    const h = s.hosts.byName.hv1!.history.vm1!;
    expect(h.mem).toHaveLength(HISTORY_MAX);
    expect(h.mem[h.mem.length - 1]).toBe(1000 + HISTORY_MAX + 9);
    expect(h.cpu).toHaveLength(HISTORY_MAX);
    expect(h.cpu.every((c) => Math.abs(c - 50) < 1e-9)).toBe(true);
  });

  it('skips a CPU sample when the counter went backwards (unit restarted)', () => {
    const s = reduce(
      init(),
      { type: 'hosts/status', status: host('hv1', [vm('vm1', { cpuNs: 9e9 })]), at: 0 },
      { type: 'hosts/status', status: host('hv1', [vm('vm1', { cpuNs: 1e8 })]), at: 1000 },
      { type: 'hosts/status', status: host('hv1', [vm('vm1', { cpuNs: 2e8 })]), at: 2000 },
    );
    expect(s.hosts.byName.hv1!.history.vm1!.cpu).toEqual([10]);
  });

  it('a status re-sent with the same counters (new probe results) adds no 0% sample', () => {
    const st = (cpuNs: number, reachable: boolean) => host('hv1', [vm('vm1', { cpuNs, memoryBytes: 2e9, reachable })]);
    const s = reduce(
      init(),
      { type: 'hosts/status', status: st(1e9, true), at: 0 },
      { type: 'hosts/status', status: st(2e9, true), at: 2000 },
      { type: 'hosts/status', status: st(2e9, false), at: 2500 }, // the probes' update: same reading
      { type: 'hosts/status', status: st(3e9, false), at: 4000 },
    );
    expect(s.hosts.byName.hv1!.history.vm1!.cpu).toEqual([50, 50]);
    expect(s.hosts.byName.hv1!.history.vm1!.mem).toEqual([2e9, 2e9, 2e9]);
  });

  it('two readings a few ms apart give no rate (78683% in the demo); the next interval counts them both', () => {
    const s = reduce(
      init(),
      { type: 'hosts/status', status: host('hv1', [vm('vm1', { cpuNs: 1e9 })]), at: 0 },
      { type: 'hosts/status', status: host('hv1', [vm('vm1', { cpuNs: 1.5e9 })]), at: 2 },
      { type: 'hosts/status', status: host('hv1', [vm('vm1', { cpuNs: 2e9 })]), at: 2000 },
    );
    expect(s.hosts.byName.hv1!.history.vm1!.cpu).toEqual([50]);
  });

  it('no counter during an auto-restart: no rate, and none across the gap', () => {
    const s = reduce(
      init(),
      { type: 'hosts/status', status: host('hv1', [vm('vm1', { cpuNs: 1e9 })]), at: 0 },
      { type: 'hosts/status', status: host('hv1', [vm('vm1', { cpuNs: 1.62e9 })]), at: 2000 },
      { type: 'hosts/status', status: host('hv1', [vm('vm1', { cpuNs: null, memoryBytes: null, active: 'activating', sub: 'auto-restart' })]), at: 4000 },
      { type: 'hosts/status', status: host('hv1', [vm('vm1', { cpuNs: 9e9 })]), at: 6000 },
    );
    const cpu = s.hosts.byName.hv1!.history.vm1!.cpu;
    expect(cpu[0]).toBeCloseTo(31);
    expect(cpu.slice(1).every((c) => Number.isNaN(c))).toBe(true); // nothing measured since
  });

  it('keeps the last good data when the host becomes unreachable, and marks it stale with its age', () => {
    const good = host('hv1', [vm('vm1', { restarts: 7 })]);
    const s = reduce(init(), { type: 'hosts/status', status: good, at: 1000 }, { type: 'hosts/status', status: { ...host('hv1', []), reachable: false, error: 'hv1: connection refused' }, at: 5000 });
    const h = s.hosts.byName.hv1!;
    expect(h.status!.vms[0]!.restarts).toBe(7);
    expect(h.status!.error).toBe('hv1: connection refused');
    expect(isStale(h)).toBe(true);
    expect(staleAge(h, 13_000)).toBe(12_000);
    expect(h.downSince).toBe(5000);
    const back = reduce(s, { type: 'hosts/status', status: good, at: 14_000 });
    expect(isStale(back.hosts.byName.hv1!)).toBe(false);
    expect(back.hosts.byName.hv1!.downSince).toBeNull();
  });

  it('marks a host stale as soon as its connection is down', () => {
    const s = reduce(init(), { type: 'hosts/status', status: host('hv1', [vm('vm1')]), at: 0 }, { type: 'hosts/conn', conn: { host: 'hv1', status: 'down', since: 100, error: 'hv1: timeout' } });
    expect(isStale(s.hosts.byName.hv1!)).toBe(true);
  });

  it('returns the same state for an action nobody handles (no needless render)', () => {
    const s = init();
    expect(rootReducer(s, { type: 'hosts/conn', conn: { host: 'nope', status: 'up', since: 0 } })).toBe(s);
    expect(rootReducer(s, { type: 'ui/clearMarks' })).toBe(s);
  });
});

describe('pending actions', () => {
  const ref = { host: 'hv1', vm: 'vm1' };
  it('keep the spinner until the call returned and the unit settled', () => {
    let s = reduce(init(), { type: 'ui/pending', refs: [ref], command: 'vm.restart', at: 0 });
    s = reduce(s, { type: 'hosts/status', status: host('hv1', [vm('vm1', { active: 'active' })]), at: 500 });
    expect(s.ui.pending['hv1/vm1']).toBeDefined(); // the call has not returned yet
    s = reduce(s, { type: 'ui/pendingDone', refs: [ref] }, { type: 'hosts/status', status: host('hv1', [vm('vm1', { active: 'activating' })]), at: 1000 });
    expect(s.ui.pending['hv1/vm1']).toBeDefined();
    s = reduce(s, { type: 'hosts/status', status: host('hv1', [vm('vm1', { active: 'active' })]), at: 2000 });
    expect(s.ui.pending['hv1/vm1']).toBeUndefined();
  });
  it('never spin forever', () => {
    let s = reduce(init(), { type: 'ui/pending', refs: [ref], command: 'vm.stop', at: 0 });
    s = reduce(s, { type: 'hosts/status', status: host('hv1', [vm('vm1', { active: 'deactivating' })]), at: PENDING_TIMEOUT_MS + 1 });
    expect(s.ui.pending).toEqual({});
  });
});

describe('ui slice', () => {
  it('toggles marks and moves pane focus when the focused pane closes', () => {
    let s = reduce(init(), { type: 'ui/toggleMark', ref: { host: 'hv1', vm: 'vm1' } }, { type: 'ui/toggleMark', ref: { host: 'hv1', vm: 'vm2' } }, { type: 'ui/toggleMark', ref: { host: 'hv1', vm: 'vm1' } });
    expect(s.ui.marked).toEqual(['hv1/vm2']);
    s = reduce(
      s,
      { type: 'ui/paneOpen', pane: { id: 'a', kind: 'logs', scope: 'logs' } },
      { type: 'ui/paneOpen', pane: { id: 'b', kind: 'logs', scope: 'logs' } },
    );
    expect(s.ui.activePane).toBe('b');
    s = reduce(s, { type: 'ui/paneClose', id: 'b' });
    expect(s.ui.activePane).toBe('a');
    s = reduce(s, { type: 'ui/paneClose', id: 'a' });
    expect(s.ui.activePane).toBeNull();
  });
  it('closing a dialog that was already replaced does nothing', () => {
    const s = reduce(init(), { type: 'ui/dialogOpen', dialog: { id: 2, title: 't', lines: [], danger: true } });
    expect(rootReducer(s, { type: 'ui/dialogClose', id: 1 }).ui.dialog?.id).toBe(2);
  });
});

describe('store', () => {
  it('notifies once for a burst of dispatches', async () => {
    const store = createStore();
    let calls = 0;
    store.subscribe(() => calls++);
    for (let i = 0; i < 100; i++) store.dispatch({ type: 'ui/status', text: `n${i}`, kind: 'info', at: i });
    expect(calls).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1);
    expect(store.getState().ui.status?.text).toBe('n99');
  });
  it("draws a key's action before I/O already waiting, and without it after (the flood's socket reads)", async () => {
    const order: string[] = [];
    const tick = () => new Promise((r) => setImmediate(r));
    for (const key of [true, false]) {
      const store = createStore();
      store.subscribe(() => order.push(`frame ${store.getState().ui.status?.text}`));
      setImmediate(() => order.push('socket read')); // queued before the key's render would be
      if (key) store.expedite();
      store.dispatch({ type: 'ui/status', text: key ? 'key' : 'data', kind: 'info', at: 1 });
      await tick();
      await tick();
    }
    expect(order).toEqual(['frame key', 'socket read', 'socket read', 'frame data']);
  });
  it("a key's frame carries what was pending and is heard once; after it, dispatches wait their turn again", async () => {
    const store = createStore();
    const heard: Array<string | undefined> = [];
    store.subscribe(() => heard.push(store.getState().ui.status?.text));
    store.dispatch({ type: 'ui/status', text: 'batch', kind: 'info', at: 1 });
    store.expedite();
    await Promise.resolve(); // the controller may await before it dispatches
    store.dispatch({ type: 'ui/toggleMark', ref: { host: 'hv1', vm: 'vm1' } });
    store.dispatch({ type: 'ui/status', text: 'key', kind: 'info', at: 2 });
    await Promise.resolve();
    expect(heard).toEqual(['key']);
    store.dispatch({ type: 'ui/status', text: 'later', kind: 'info', at: 3 });
    await Promise.resolve();
    expect(heard).toEqual(['key']);
    await new Promise((r) => setImmediate(r));
    expect(heard).toEqual(['key', 'later']);
  });
  it('does not notify for an action that changes nothing', async () => {
    const store = createStore();
    let calls = 0;
    store.subscribe(() => calls++);
    store.dispatch({ type: 'ui/clearMarks' });
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(0);
  });
});
