import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionService } from '../../src/services/actions.js';
import type { DoctorReport } from '../../src/model/doctor.js';
import { applyFix, diagnoseHost, diagnoseVm } from '../../src/services/doctor.js';
import { openRuntime, type Runtime } from '../../src/services/runtime.js';
import { labRun } from './paths.js';

// The doctor against the lab hypervisor: break each thing for real, see the doctor name the cause, and
// (where the runbook has one) see its fix repair it. Everything is put back afterwards.

const INVENTORY = labRun('inventory.yaml');
let rt: Runtime;
let actions: ActionService;
const sh = async (command: string) => rt.transport.exec({ host: 'lab' }, command, { timeoutMs: 30_000 });
const host = () => rt.inventory.hosts[0]!;
const check = (r: DoctorReport, id: string) => r.checks.find((c) => c.id === id)!;
const fixDeps = () => ({ transport: rt.transport, guard: rt.guard, actions });

beforeAll(async () => {
  rt = await openRuntime({ config: INVENTORY, readOnly: false, demo: false, acceptNew: false });
  actions = new ActionService({ inventory: rt.inventory, transport: rt.transport, guard: rt.guard });
});

afterAll(async () => {
  await sh('labctl fix-runner vm5; systemctl stop microvm@vm5; ip link set dev br-vm2 up; systemctl start microvm@vm3; zpool online labmirror $(zpool status labmirror | awk \'/OFFLINE/ {print $1}\') 2>/dev/null; true');
  await rt.close();
});

describe('doctor on the lab', () => {
  it('names a missing runner as the cause and its fix (rebuild, restart) brings the VM up', async () => {
    await sh('systemctl stop microvm@vm5; labctl break-runner vm5');
    const before = await diagnoseVm(rt.transport, host(), 'vm5');
    expect(before.ok).toBe(false);
    const runner = check(before, 'runner.present');
    expect(runner.evidence).toMatch(/skipped by ConditionPathExists/);
    expect(runner.fix?.action).toBe('vm.update');
    const outcome = await applyFix(fixDeps(), host(), 'vm5', runner.fix!);
    expect(outcome).toMatchObject({ ok: true }); // on failure, the message says why
    const after = await diagnoseVm(rt.transport, host(), 'vm5');
    expect(check(after, 'runner.present').ok).toBe(true);
    expect(check(after, 'unit.state').ok).toBe(true);
  });

  it('a stopped VM: the unit check fails, the start fix starts it, and SSH answers again', async () => {
    await sh('systemctl stop microvm@vm3');
    const before = await diagnoseVm(rt.transport, host(), 'vm3');
    expect(check(before, 'unit.state')).toMatchObject({ ok: false, fix: { action: 'vm.start' } });
    expect(check(before, 'vm.ssh').ok).toBe(false);
    expect((await applyFix(fixDeps(), host(), 'vm3', check(before, 'unit.state').fix!)).ok).toBe(true);
    // the guest's sshd comes up a moment after the unit is active
    let after = await diagnoseVm(rt.transport, host(), 'vm3');
    for (let i = 0; i < 10 && check(after, 'vm.ssh').ok !== true; i++) {
      await new Promise((r) => setTimeout(r, 500));
      after = await diagnoseVm(rt.transport, host(), 'vm3');
    }
    expect(check(after, 'unit.state').ok).toBe(true);
    expect(check(after, 'vm.ssh').ok).toBe(true);
  });

  it('a bridge taken down is named, and clears once it is up again', async () => {
    await sh('ip link set dev br-vm2 down');
    const r = await diagnoseVm(rt.transport, host(), 'vm2');
    expect(check(r, 'net.bridge')).toMatchObject({ ok: false });
    expect(check(r, 'net.bridge').evidence).toMatch(/down/);
    await sh('ip link set dev br-vm2 up');
    expect(check(await diagnoseVm(rt.transport, host(), 'vm2'), 'net.bridge').ok).toBe(true);
  });

  it('the host doctor sees a degraded mirror pool', async () => {
    const st = await sh('zpool status labmirror');
    const dev = /\s(\S*mirror-b\S*)\s+ONLINE/.exec(st.stdout)?.[1];
    expect(dev).toBeTruthy();
    await sh(`zpool offline labmirror ${dev}`);
    const r = await diagnoseHost(rt.transport, host());
    expect(check(r, 'zfs.pool.labmirror')).toMatchObject({ ok: false, evidence: 'labmirror: DEGRADED' });
    await sh(`zpool online labmirror ${dev}`);
    expect(check(await diagnoseHost(rt.transport, host()), 'zfs.pool.labmirror').ok).toBe(true);
  });

  it('never hangs on an unreachable VM: the probe is bounded', async () => {
    await sh('systemctl stop microvm@vm5');
    const started = Date.now();
    const r = await diagnoseVm(rt.transport, host(), 'vm5', { timeoutMs: 3_000 });
    expect(check(r, 'vm.ssh').ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
