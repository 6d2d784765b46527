import { describe, expect, it } from 'vitest';
import { statusReportSchema } from '../../src/model/status.js';
import { SshError } from '../../src/ssh/types.js';
import { fetchHostStatus } from '../../src/services/status.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';
import { labHost, labOutput, withSection } from './status-fixture.js';

const NOW = Date.parse('2026-11-26T13:00:00Z');
const isGather = (cmd: string) => cmd.includes('@@mvm system');

function lab(output = labOutput()) {
  return new ScriptedTransport().on(isGather, { stdout: output }).on('true', { code: 0 });
}

describe('fetchHostStatus on real lab output', () => {
  it('reads system, pools, storage unit and every VM from one exec', async () => {
    const t = lab();
    const hs = await fetchHostStatus(t, labHost(), { now: () => NOW });
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]?.target).toEqual({ host: 'lab' });
    expect(statusReportSchema.parse({ generatedAt: 'x', hosts: [hs] }).hosts[0]).toEqual(hs);
    expect(hs).toMatchObject({ name: 'lab', reachable: true, error: null, updatedAt: '2026-11-26T13:00:00.000Z' });
    expect(hs.system).toMatchObject({ state: 'running', failedUnits: [], load: [3.41, 1.96, 0.87] });
    expect(hs.system.memTotal).toBe(24684092 * 1024);
    expect(hs.pools.map((p) => [p.name, p.health])).toEqual([['labmirror', 'ONLINE'], ['microvms', 'ONLINE']]);
    expect(hs.pools[1]?.size).toBe(Math.round(1.98 * 1024 ** 3));
    expect(hs.storageUnit).toEqual({ name: 'ebs-volume-microvm-storage.service', active: 'active' });
    expect(hs.storage?.mountpoint).toBe('/');
  });

  it('shows the stopped vm1 (no carrier, no booted link) and the running vm2 with its snapshots', async () => {
    const hs = await fetchHostStatus(lab(), labHost(), { now: () => NOW });
    const [vm1, vm2, , vm4] = hs.vms;
    expect(vm1).toMatchObject({ active: 'inactive', sub: 'dead', runner: 'present', booted: null, outdated: false, bridge: 'no-carrier', autostart: true });
    expect(vm2).toMatchObject({ active: 'active', sub: 'running', restarts: 0, runner: 'present', outdated: false, bridge: 'up', autostart: true, result: 'success' });
    expect(vm2?.since).toBe(new Date(1795698231 * 1000).toISOString());
    expect(vm2).toMatchObject({ dataset: 'microvms/storage/vm2', datasetUsed: 6717440, snapshots: 3, newestSnapshot: '20261124-0900' });
    expect(vm2?.memoryBytes).toBeNull(); // [not set] on the lab
    expect(vm4).toMatchObject({ active: 'inactive', autostart: false, since: null, snapshots: 2, newestSnapshot: '20261122-0900' });
    expect(hs.vms.every((v) => v.reachable === null)).toBe(true);
  });

  it('reads a missing runner link, an outdated runner, a failed unit and accounting values', async () => {
    let out = labOutput();
    out = out.replace(/(@@mvm current:vm5\n)[^@]*@@rc 0/, '$1@@rc 1');
    out = out.replace(/(@@mvm current:vm3\n)\/nix\/store\/[^\n]+/, '$1/nix/store/ffff-microvm-cloud-hypervisor-vm3');
    out = out.replace('Id=microvm@vm2.service\nLoadState=loaded\nActiveState=active', 'Id=microvm@vm2.service\nLoadState=loaded\nActiveState=failed');
    out = out.replace(/MemoryCurrent=\[not set\]\nCPUUsageNSec=\[not set\]\nId=microvm@vm3/, 'MemoryCurrent=104857600\nCPUUsageNSec=2500000000\nId=microvm@vm3');
    out = withSection(out, 'failed', 'microvm@vm2.service loaded failed failed MicroVM vm2\n');
    const hs = await fetchHostStatus(lab(out), labHost(), { now: () => NOW });
    const [, vm2, vm3, , vm5] = hs.vms;
    expect(vm5).toMatchObject({ runner: 'missing', current: null });
    expect(vm3).toMatchObject({ outdated: true, current: '/nix/store/ffff-microvm-cloud-hypervisor-vm3', memoryBytes: 104857600, cpuNs: 2500000000 });
    expect(vm2?.active).toBe('failed');
    expect(hs.system.failedUnits).toEqual(['microvm@vm2.service']);
  });

  it('probes every VM through the hypervisor when asked', async () => {
    const t = new ScriptedTransport().on(isGather, { stdout: labOutput() }).on((c) => c === 'true', (_c, target) => (target.vm === 'vm1' ? { code: 255 } : { code: 0 }));
    const hs = await fetchHostStatus(t, labHost(), { probeVms: true, now: () => NOW });
    expect(hs.vms.map((v) => v.reachable)).toEqual([false, true, true, true, true]);
    expect(t.sent.filter((s) => s.target.vm).map((s) => s.target.vm)).toEqual(['vm1', 'vm2', 'vm3', 'vm4', 'vm5']);
    expect(t.sent.filter((s) => !s.target.vm)).toHaveLength(1);
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
    const out = labOutput();
    for (const garbage of [out.slice(0, out.length / 2), out.replace(/=/g, ' '), '@@mvm units\n\u0000\u0001garbage\n@@rc 0\n', out.replace(/@@rc \d+/g, '')]) {
      const hs = await fetchHostStatus(lab(garbage), labHost());
      expect(() => statusReportSchema.parse({ generatedAt: 'x', hosts: [hs] })).not.toThrow();
      expect(hs.vms).toHaveLength(5);
    }
    const cut = await fetchHostStatus(lab(out.slice(0, out.indexOf('@@mvm units'))), labHost());
    expect(cut.vms[1]).toMatchObject({ active: 'unknown', bridge: 'unknown', runner: 'unknown', snapshots: 3 });
  });
});
