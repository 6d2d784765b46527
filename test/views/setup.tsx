import { afterEach } from 'vitest';
import { App } from '../../src/app.js';
import { createController, registerCoreHandlers, registerVmActions, type VmActionRunner } from '../../src/controller/index.js';
import { buildKeymap, type KeymapOptions } from '../../src/keymap/index.js';
import type { HostStatus, VmStatus } from '../../src/model/status.js';
import { createStore } from '../../src/store/index.js';
import { renderTui } from '../helpers/render.js';

// A store preloaded like the seed's hypervisor: five VMs, one host; tests change what they need.

export function vm(name: string, over: Partial<VmStatus> = {}): VmStatus {
  const num = name.replace(/\D/g, '');
  return {
    name,
    role: Number(num) <= 3 ? 'desktop' : Number(num) === 4 ? 'k3s' : 'incus',
    unit: `microvm@${name}`,
    active: 'active',
    sub: 'running',
    since: new Date(Date.now() - 3_600_000).toISOString(),
    restarts: 0,
    result: 'success',
    runner: 'present',
    outdated: false,
    current: `/nix/store/aaa-microvm-${name}`,
    booted: `/nix/store/aaa-microvm-${name}`,
    bridge: 'up',
    reachable: true,
    probeError: null,
    dataset: `microvms/storage/${name}`,
    datasetUsed: 1_288_490_189,
    snapshots: 3,
    newestSnapshot: `microvms/storage/${name}@20261126-1200`,
    newestSnapshotAt: new Date(Date.now() - 7_200_000).toISOString(),
    memoryBytes: 536_870_912,
    cpuNs: 1_000_000_000,
    ...over,
  };
}

export function host(name: string, vms: VmStatus[], over: Partial<HostStatus> = {}): HostStatus {
  return {
    name,
    reachable: true,
    error: null,
    updatedAt: new Date().toISOString(),
    system: { state: 'running', failedUnits: [], load: [0.12, 0.2, 0.31], memTotal: 8 * 2 ** 30, memAvailable: 5 * 2 ** 30 },
    pools: [{ name: 'microvms', health: 'ONLINE', size: 100 * 2 ** 30, allocated: 12 * 2 ** 30, free: 88 * 2 ** 30 }],
    storage: { mountpoint: '/var/lib/microvms', size: 98 * 2 ** 30, used: 12 * 2 ** 30, available: 86 * 2 ** 30 },
    storageUnit: { name: 'ebs-volume-microvm-storage', active: 'active' },
    vms,
    ...over,
  };
}

export const FIVE = ['vm1', 'vm2', 'vm3', 'vm4', 'vm5'];

export interface SetupOptions {
  hosts?: HostStatus[];
  readOnly?: boolean;
  hostReadOnly?: string[];
  run?: VmActionRunner;
  keys?: KeymapOptions['keys'];
  cols?: number;
  rows?: number;
}

export function setup(opts: SetupOptions = {}) {
  const hosts = opts.hosts ?? [host('hv1', FIVE.map((n) => vm(n)))];
  const store = createStore();
  store.dispatch({
    type: 'hosts/init',
    hosts: hosts.map((h) => ({ name: h.name, readOnly: opts.hostReadOnly?.includes(h.name), vms: h.vms.map((v) => ({ name: v.name, role: v.role, unit: v.unit })) })),
  });
  for (const h of hosts) store.dispatch({ type: 'hosts/status', status: h, at: Date.now() });
  store.dispatch({ type: 'ui/readOnly', readOnly: Boolean(opts.readOnly) });
  const keymap = buildKeymap({ keys: opts.keys });
  const controller = createController({ store, keymap });
  registerCoreHandlers(controller);
  const calls: Array<{ verb: string; host: string; vm: string }> = [];
  registerVmActions(controller, {
    run:
      opts.run ??
      (async (verb, t) => {
        calls.push({ verb, host: t.host, vm: t.vm });
        return { ok: true };
      }),
  });
  let quit = 0;
  controller.onQuit(() => quit++);
  const r = renderTui(<App services={{ store, controller, keymap }} />, { cols: opts.cols ?? 100, rows: opts.rows ?? 40 });
  return { store, controller, keymap, r, calls, quits: () => quit };
}

/** A setup() per test, unmounted after it: `const start = setupEach();` at the top of a test file. */
export function setupEach(): (opts?: SetupOptions) => ReturnType<typeof setup> {
  let t: ReturnType<typeof setup> | undefined;
  afterEach(() => {
    t?.r.unmount();
    t = undefined;
  });
  return (opts = {}) => (t = setup(opts));
}
