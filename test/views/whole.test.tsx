import { afterEach, describe, expect, it } from 'vitest';
import { resolveInventory } from '../../src/config/resolve.js';
import { inventorySchema } from '../../src/config/schema.js';
import { registerDoctorHandlers, type DoctorDeps } from '../../src/controller/doctor.js';
import { MemoryAudit } from '../../src/services/audit.js';
import type { DoctorReport } from '../../src/model/doctor.js';
import { ActionGuard } from '../../src/services/guard.js';
import type { Runtime } from '../../src/services/runtime.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';
import { FIVE, setup } from './setup.js';

// What is on screen is whole: every doctor check is listed (or counted), the palette offers what runs where
// the operator is and says where the rest runs, and the words of an action's outcome are said once and spelled
// right. (The rollback result at each size: SnapshotBrowser.test.tsx; messages: messages.test.tsx.)

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const inventory = resolveInventory(inventorySchema.parse({ hosts: [{ name: 'hv1', ssh: { hostname: 'hv1' }, vms: FIVE.map((name) => ({ name })) }] }), 'test');

const TITLES = [
  'VM unit is running',
  'Runner link exists and resolves',
  'Running the current runner',
  'TAP interface exists with carrier',
  'Bridge is up',
  'VM answers over SSH through the hypervisor',
  "Guest's network lines in the journal",
  'Dataset is mounted',
  'Pool microvms is healthy',
  'Storage unit ebs-volume-microvm-storage is active',
  'No failed units on the hypervisor',
];

function report(vm: string): DoctorReport {
  return {
    host: 'hv1',
    vm,
    ok: false,
    durationMs: 42,
    checks: TITLES.map((title, i) => ({
      id: `c${i}`,
      title,
      ok: i === 0 ? false : true,
      evidence: i === 0 ? `microvm@${vm}: inactive/dead` : 'fine',
      fix: i === 0 ? { label: `start microvm@${vm}`, action: 'vm.start', commands: [`systemctl start microvm@${vm}`] } : undefined,
    })),
  };
}

function doctorApp(cols: number, rows: number) {
  const t = setup({ cols, rows });
  const runtime = { inventory, transport: new ScriptedTransport(), guard: new ActionGuard(inventory, new MemoryAudit(), false), audit: undefined, close: async () => {} } as unknown as Runtime;
  const deps: DoctorDeps = {
    run: {
      vm: async (_t, _h, vm) => report(vm),
      host: async () => ({ host: 'hv1', ok: true, durationMs: 1, checks: [] }),
      fix: async () => ({ ok: true, message: 'done', output: [] }),
    },
  };
  registerDoctorHandlers(t.controller, { runtime }, deps);
  cleanup = () => t.r.unmount();
  return t;
}

describe('the doctor lists every check, or says how many more there are', () => {
  for (const [cols, rows] of [[80, 24], [100, 30], [120, 34], [220, 60]] as const) {
    it(`at ${cols}x${rows}`, async () => {
      const { r } = doctorApp(cols, rows);
      await r.waitFor('vm1');
      await r.press('d');
      const f = await r.waitFor('problems found');
      const listed = TITLES.filter((t) => f.split('\n').some((l) => /\[(ok|FAIL|\?\?)\]/.test(l) && l.includes(t)));
      const above = Number(/↑ (\d+) more above/.exec(f)?.[1] ?? 0);
      const below = Number(/↓ (\d+) more below/.exec(f)?.[1] ?? 0);
      expect(listed.length + above + below).toBe(TITLES.length);
      expect(f).toContain('11 checks');
      // the failing check's evidence and fix are shown with it
      expect(f).toContain('microvm@vm1: inactive/dead');
      expect(f).toMatch(/fix \(f\): start microvm@vm1/);
      if (rows >= 34) expect(listed).toEqual(TITLES); // room for all: all of them
      // no blank row inside the pane while checks are left out
      if (below) {
        const pane = f.slice(f.indexOf('doctor vm1'));
        const inside = pane.split('\n').slice(1, -3);
        expect(inside.filter((l) => /^│\s*│$/.test(l.trim())).length).toBeLessThanOrEqual(1);
      }
      // moving down reaches the last check
      for (let i = 0; i < TITLES.length; i++) await r.press('j');
      expect(r.lastFrame()).toContain('No failed units on the hypervisor');
    });
  }
});

describe('the palette offers what can run where you are', () => {
  it('from the grid: no internal command of a pane; :log.zoom says where it runs', async () => {
    const { r, store } = setup({ cols: 100, rows: 40 });
    cleanup = () => r.unmount();
    await r.waitFor('vm1');
    // handlers of pane commands exist (as in the app), their panes are not open
    store.dispatch({ type: 'ui/available', ids: ['doctor.up', 'snapshot.close', 'log.zoom'] });
    await r.press(':');
    let f = await r.waitFor('vm.restart');
    expect(f).not.toContain('doctor.up');
    expect(f).not.toContain('snapshot.close');
    expect(f).not.toContain('log.zoom');
    await r.type('log.zoom');
    f = await r.waitFor('works in a log pane');
    expect(f).toMatch(/log\.zoom works in a log pane, and none is open \(l opens it\)/);
    await r.press('return');
    f = await r.waitFor((fr) => !fr.includes(':log.zoom') && fr.includes('log.zoom works in a log pane'));
    expect(store.getState().ui.status).toMatchObject({ kind: 'warn', text: 'log.zoom works in a log pane, and none is open (l opens it)' });
  });
});

describe('the words of an action', () => {
  it('"stopping vm3", and a failure says the VM and the verb once', async () => {
    const { r, store } = setup({
      cols: 120,
      rows: 40,
      run: async (verb, t) => (verb === 'stop' ? new Promise(() => {}) : { ok: false, message: `${t.vm}: ${verb} failed: systemctl ${verb} exited 1: Job failed` }),
    });
    cleanup = () => r.unmount();
    await r.waitFor('vm1');
    await r.press('r');
    await r.waitFor('Restart vm1');
    await r.press('y');
    await r.waitFor('restart failed');
    expect(store.getState().ui.status?.text).toBe('vm1: restart failed: systemctl restart exited 1: Job failed');
    await r.press('right', 'right', 'X');
    await r.waitFor('Stop vm3');
    await r.press('y');
    await r.waitFor('stopping vm3 on hv1');
    expect(r.lastFrame()).not.toContain('stoping');
  });

  it('a VM whose ssh probe failed reads "ssh failed", not "ssh ssh failed"', async () => {
    const { vm, host } = await import('./setup.js');
    const { r } = setup({ cols: 120, rows: 40, hosts: [host('hv1', [vm('vm1', { reachable: false, probeError: 'ssh failed' })])] });
    cleanup = () => r.unmount();
    const f = await r.waitFor('vm1');
    expect(f).toContain('ssh failed');
    expect(f).not.toContain('ssh ssh');
  });
});
