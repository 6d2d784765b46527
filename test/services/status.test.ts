import { describe, expect, it } from 'vitest';
import { statusReportSchema } from '../../src/model/status.js';
import { SshError } from '../../src/ssh/types.js';
import { fetchHostStatus } from '../../src/services/status.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';
import { answerVmProbes, isVmProbe, probedVms } from '../helpers/vm-probes.js';
import { labBaseline, labHost, labTrouble, withSection } from './status-fixture.js';

const NOW = Date.parse('2026-11-26T13:00:00Z');
const isGather = (cmd: string) => cmd.includes('@@mvm system');

function lab(output = labBaseline()) {
  return new ScriptedTransport().on(isGather, { stdout: output }).on(isVmProbe, answerVmProbes());
}

describe('fetchHostStatus on real lab output', () => {
  it('reads system, pools, storage unit and every VM from one exec', async () => {
    const t = lab();
    const hs = await fetchHostStatus(t, labHost(), { now: () => NOW });
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]?.target).toEqual({ host: 'lab' });
    expect(statusReportSchema.parse({ generatedAt: 'x', hosts: [hs] }).hosts[0]).toEqual(hs);
    expect(hs).toMatchObject({ name: 'lab', reachable: true, error: null, updatedAt: '2026-11-26T13:00:00.000Z' });
    expect(hs.system).toMatchObject({ state: 'running', failedUnits: [], load: [6.23, 5.39, 3.12], memTotal: 24684092 * 1024 });
    expect(hs.pools.map((p) => [p.name, p.health])).toEqual([['labmirror', 'ONLINE'], ['microvms', 'ONLINE']]);
    expect(hs.pools[1]?.size).toBe(Math.round(1.98 * 1024 ** 3));
    expect(hs.storageUnit).toEqual({ name: 'ebs-volume-microvm-storage.service', active: 'active' });
    expect(hs.storage).toEqual({ mountpoint: '/', size: 270553174016, used: 24010522624, available: 84933771264 });
  });

  it('reads the running VMs, their runners, bridges and snapshots, and which VMs are autostarted', async () => {
    const hs = await fetchHostStatus(lab(), labHost(), { now: () => NOW });
    const [vm1, vm2, vm3, vm4, vm5] = hs.vms;
    for (const vm of [vm1, vm2, vm3]) expect(vm).toMatchObject({ active: 'active', sub: 'running', runner: 'present', outdated: false, bridge: 'up', autostart: true });
    expect(vm1?.restarts).toBe(2);
    expect(vm2).toMatchObject({ since: new Date(1795698730 * 1000).toISOString(), result: 'success', restarts: 0 });
    expect(vm2?.current).toMatch(/^\/nix\/store\/\w+-microvm-cloud-hypervisor-vm2$/);
    expect(vm2?.booted).toBe(vm2?.current);
    expect(vm2).toMatchObject({ dataset: 'microvms/storage/vm2', datasetUsed: 6717440, snapshots: 3, newestSnapshot: '20261124-0900' });
    expect(vm2?.memoryBytes).toBeNull(); // [not set] on the lab
    expect(vm4).toMatchObject({ active: 'inactive', autostart: false, since: null, runner: 'present', booted: null, snapshots: 2, newestSnapshot: '20261122-0900' });
    expect(vm5?.autostart).toBe(false);
    expect(hs.vms.every((v) => v.reachable === null)).toBe(true);
  });

  it('sees a crash, a stopped VM, a flipped runner and a missing runner link', async () => {
    const hs = await fetchHostStatus(lab(labTrouble()), labHost(), { now: () => NOW });
    const [vm1, vm2, vm3, , vm5] = hs.vms;
    expect(vm1).toMatchObject({ active: 'activating', sub: 'auto-restart', result: 'exit-code', booted: null, bridge: 'no-carrier' });
    expect(vm2).toMatchObject({ active: 'inactive', sub: 'dead', booted: null, outdated: false, bridge: 'no-carrier' });
    expect(vm2?.since).toBe(new Date(1795698828 * 1000).toISOString());
    expect(vm3).toMatchObject({ active: 'active', outdated: true, runner: 'present' });
    expect(vm3?.current).not.toBe(vm3?.booted);
    expect(vm5).toMatchObject({ runner: 'missing', current: null, booted: null });
  });

  it('reads a failed unit list and accounting values where the host reports them', async () => {
    let out = labBaseline().replace(/MemoryCurrent=\[not set\]\nCPUUsageNSec=\[not set\]\nId=microvm@vm3/, 'MemoryCurrent=104857600\nCPUUsageNSec=2500000000\nId=microvm@vm3');
    out = out.replace(/MemoryCurrent=\[not set\]\nCPUUsageNSec=\[not set\]\nId=microvm@vm2/, 'MemoryCurrent=18446744073709551615\nCPUUsageNSec=[not set]\nId=microvm@vm2');
    out = withSection(out, 'failed', 'microvm@vm2.service loaded failed failed MicroVM vm2\n');
    const hs = await fetchHostStatus(lab(out), labHost(), { now: () => NOW });
    expect(hs.vms[2]).toMatchObject({ memoryBytes: 104857600, cpuNs: 2500000000 });
    expect(hs.vms[1]).toMatchObject({ memoryBytes: null, cpuNs: null });
    expect(hs.system.failedUnits).toEqual(['microvm@vm2.service']);
  });

  it("counts only a VM's own snapshots: not those of a dataset whose name starts the same, nor of a child", async () => {
    const zfs = [
      ['microvms/storage/vm1', 'type', 'filesystem'],
      ['microvms/storage/vm1@a', 'type', 'snapshot'],
      ['microvms/storage/vm1@a', 'creation', '100'],
      ['microvms/storage/vm1@b', 'type', 'snapshot'],
      ['microvms/storage/vm1@b', 'creation', '300'],
      ['microvms/storage/vm10@c', 'type', 'snapshot'],
      ['microvms/storage/vm10@c', 'creation', '900'],
      ['microvms/storage/vm1/child@d', 'type', 'snapshot'],
      ['microvms/storage/vm1/child@d', 'creation', '999'],
      ['microvms/storage/vm2@e', 'creation', '50'],
    ].map((f) => f.join('\t') + '\n').join('');
    const hs = await fetchHostStatus(lab(withSection(labBaseline(), 'zfs', zfs)), labHost(), { now: () => NOW });
    expect(hs.vms[0]).toMatchObject({ snapshots: 2, newestSnapshot: 'b', newestSnapshotAt: new Date(300_000).toISOString() });
    expect(hs.vms[1]).toMatchObject({ snapshots: 1, newestSnapshot: 'e' });
    expect(hs.vms[2]).toMatchObject({ snapshots: 0, newestSnapshot: null });
  });

  it('probes the VMs that may be running in one exec on the hypervisor; stopped ones are unreachable without a wait', async () => {
    const t = new ScriptedTransport().on(isGather, { stdout: labBaseline() }).on(isVmProbe, answerVmProbes((vm) => (vm === 'vm1' ? 255 : 0)));
    const hs = await fetchHostStatus(t, labHost(), { probeVms: true, now: () => NOW });
    expect(hs.vms.map((v) => v.reachable)).toEqual([false, true, true, false, false]);
    expect(t.sent.map((s) => s.target)).toEqual([{ host: 'lab' }, { host: 'lab' }]);
    expect(probedVms(t.sent[1]!.command)).toEqual(['vm1', 'vm2', 'vm3']);
  });
});

describe('fetchHostStatus when things go wrong', () => {
  it('gives reachable false with the SSH error, VMs from the inventory', async () => {
    const t = new ScriptedTransport().on(isGather, () => {
      throw new SshError('refused', 'lab', 'lab: connection refused (192.0.2.1:22)');
    });
    const hs = await fetchHostStatus(t, labHost(), { probeVms: true });
    expect(hs).toMatchObject({ reachable: false, error: 'lab: connection refused (192.0.2.1:22)', updatedAt: null });
    expect(hs.vms.map((v) => [v.name, v.active, v.runner, v.reachable])).toContainEqual(['vm1', 'unknown', 'unknown', null]);
  });

  it('reports a timeout and a script that printed nothing', async () => {
    const timeout = new ScriptedTransport().on(isGather, { code: null, timedOut: true });
    expect((await fetchHostStatus(timeout, labHost(), { timeoutMs: 2500 })).error).toBe('lab: status refresh timed out after 2.5 s');
    const empty = new ScriptedTransport().on(isGather, { code: 127, stderr: 'sh: 1: echo: not found\n' });
    expect((await fetchHostStatus(empty, labHost())).error).toBe('lab: status script failed: sh: 1: echo: not found');
  });

  it('never throws on garbage or cut output: unknown fields become unknown/null', async () => {
    const out = labTrouble();
    for (const garbage of [out.slice(0, out.length / 2), out.replace(/=/g, ' '), '@@mvm units\n\u0000\u0001garbage\n@@rc 0\n', out.replace(/@@rc \d+/g, '')]) {
      const hs = await fetchHostStatus(lab(garbage), labHost());
      expect(() => statusReportSchema.parse({ generatedAt: 'x', hosts: [hs] })).not.toThrow();
      expect(hs.vms).toHaveLength(5);
    }
    const cut = await fetchHostStatus(lab(out.slice(0, out.indexOf('@@mvm units'))), labHost());
    expect(cut.vms[1]).toMatchObject({ active: 'unknown', bridge: 'unknown', runner: 'unknown', autostart: null, snapshots: 3 });
    expect(cut.storageUnit).toBeNull();
  });
});
