import { afterEach, expect, it } from 'vitest';
import { resolveInventory } from '../../src/config/resolve.js';
import { inventorySchema } from '../../src/config/schema.js';
import { registerDoctorHandlers, type DoctorDeps } from '../../src/controller/doctor.js';
import { MemoryAudit } from '../../src/services/audit.js';
import type { DoctorReport, Fix } from '../../src/model/doctor.js';
import { ActionGuard } from '../../src/services/guard.js';
import type { Runtime } from '../../src/services/runtime.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';
import { FIVE, setup } from './setup.js';

// The doctor inside the app: d on a VM opens its report, the cursor lands on the first failing check,
// f applies that check's fix after a confirmation, and the report runs again.

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const inventory = resolveInventory(inventorySchema.parse({ hosts: [{ name: 'hv1', ssh: { hostname: 'hv1' }, vms: FIVE.map((name) => ({ name })) }] }), 'test');

function report(vm: string, broken: boolean): DoctorReport {
  return {
    host: 'hv1',
    vm,
    ok: !broken,
    durationMs: 42,
    checks: [
      { id: 'unit.state', title: 'VM unit is running', ok: !broken, evidence: broken ? `microvm@${vm}: inactive/dead` : `microvm@${vm}: active/running`, fix: broken ? { label: `start microvm@${vm}`, action: 'vm.start', commands: [`systemctl start microvm@${vm}`] } : undefined },
      { id: 'runner.present', title: 'Runner link exists and resolves', ok: true, evidence: '/var/lib/microvms/vm/current -> /nix/store/x' },
    ],
  };
}

function app(readOnly = false) {
  const t = setup({ cols: 160, rows: 40, readOnly });
  const transport = new ScriptedTransport();
  const runtime = { inventory, transport, guard: new ActionGuard(inventory, new MemoryAudit(), readOnly), audit: undefined, close: async () => {} } as unknown as Runtime;
  let broken = true;
  const fixes: Fix[] = [];
  const deps: DoctorDeps = {
    run: {
      vm: async (_t, _h, vm) => report(vm, broken),
      host: async () => ({ host: 'hv1', ok: true, durationMs: 1, checks: [] }),
      fix: async (_d, _h, _vm, fix) => {
        fixes.push(fix);
        broken = false;
        return { ok: true, message: `${fix.commands[0]}: done`, output: [] };
      },
    },
  };
  registerDoctorHandlers(t.controller, { runtime }, deps);
  cleanup = () => t.r.unmount();
  return { ...t, fixes };
}

it('d opens the doctor for the selected VM with the failing check and its fix; f confirms and applies it', async () => {
  const t = app();
  await t.r.waitFor('vm1');
  await t.r.press('right', 'd');
  const f = await t.r.waitFor('problems found');
  expect(f).toContain('doctor vm2 on hv1');
  expect(f).toContain('[FAIL] VM unit is running');
  expect(f).toContain('microvm@vm2: inactive/dead');
  expect(f).toMatch(/fix \(f\): start microvm@vm2/);
  await t.r.press('f');
  await t.r.waitFor('Fix: start microvm@vm2?');
  expect(t.fixes).toEqual([]); // nothing runs before the answer
  await t.r.press('y');
  await t.r.waitFor('all checks pass');
  expect(t.fixes.map((x) => x.commands)).toEqual([['systemctl start microvm@vm2']]);
  expect(t.r.lastFrame()).toContain('systemctl start microvm@vm2: done');
});

it('escape closes the doctor; n at the confirmation applies nothing', async () => {
  const t = app();
  await t.r.waitFor('vm1');
  await t.r.press('d');
  await t.r.waitFor('problems found');
  await t.r.press('f');
  await t.r.waitFor('Fix: start microvm@vm1?');
  await t.r.press('n');
  await t.r.waitFor((fr) => !fr.includes('Fix: start'));
  expect(t.fixes).toEqual([]);
  await t.r.press('escape');
  await t.r.waitFor((fr) => !fr.includes('doctor vm1'));
});

it('read-only: the report still shows, but the fix is refused before any confirmation', async () => {
  const t = app(true);
  await t.r.waitFor('vm1');
  await t.r.press('d');
  await t.r.waitFor('problems found');
  await t.r.press('f');
  await t.r.waitFor('read-only');
  expect(t.r.lastFrame()).not.toContain('Fix: start');
  expect(t.fixes).toEqual([]);
});
