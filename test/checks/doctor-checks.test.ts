import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveInventory } from '../../src/config/resolve.js';
import { inventorySchema } from '../../src/config/schema.js';
import { splitSections } from '../../src/host/gather.js';
import { fixCommands } from '../../src/services/doctor.js';
import type { Check } from '../../src/model/doctor.js';
import { hostChecks, vmChecks } from '../../src/checks/doctor-checks.js';
import { hostStatusFromSections } from '../../src/parsers/status-assemble.js';

// Verdicts from outputs recorded on the lab hypervisor (test/fixtures/doctor, see SOURCES.md).

const inv = resolveInventory(
  inventorySchema.parse({ hosts: [{ name: 'lab', ssh: { hostname: 'lab' }, vms: ['vm1', 'vm2', 'vm3', 'vm4', 'vm5'].map((name) => ({ name })) }] }),
  'test',
);
const host = inv.hosts[0]!;
const fixture = (name: string) => readFileSync(new URL(`../fixtures/doctor/${name}`, import.meta.url), 'utf8');

function run(caseName: string, vmName: string, ssh: boolean | 'timeout' | null) {
  const status = hostStatusFromSections(host, splitSections(fixture(`${caseName}.gather.txt`)), { now: Date.parse('2026-11-26T13:10:00Z') });
  const vm = status.vms.find((v) => v.name === vmName)!;
  const vmCfg = host.vms.find((v) => v.name === vmName)!;
  const checks = vmChecks({ host: status, vm, sections: splitSections(fixture(`${caseName}.doctor.txt`)), ssh, microvmsDir: host.microvmsDir, pool: host.pool, tap: `vm-${vmName}`, bridge: vmCfg.bridge, storageUnit: host.storageUnit, commands: fixCommands(host, vmCfg) });
  return { status, checks, byId: (id: string) => checks.find((c) => c.id === id) as Check };
}

describe('doctor checks on recorded lab output', () => {
  it('a healthy running VM passes every check', () => {
    const { checks } = run('vm2-healthy', 'vm2', true);
    expect(checks.filter((c) => c.ok === false)).toEqual([]);
    expect(checks.find((c) => c.id === 'guest.network')?.evidence).toMatch(/network/i);
  });

  it('a missing runner is named as the cause (unit skipped by its condition) with the rebuild as the fix', () => {
    const { byId } = run('vm5-runner-missing', 'vm5', false);
    const runner = byId('runner.present');
    expect(runner.ok).toBe(false);
    expect(runner.evidence).toMatch(/missing.*skipped by ConditionPathExists/);
    expect(runner.fix?.action).toBe('vm.update');
    expect(byId('unit.state').fix?.action).toBe('vm.update');
    // the lines shown are the ones that run: the seed's nix build in remoteFlake, then the restart
    expect(runner.fix?.commands).toEqual([
      "cd /root/simple-microvm-infra && nix build '.#nixosConfigurations.vm5.config.microvm.declaredRunner' -o /var/lib/microvms/vm5/current",
      'systemctl restart microvm@vm5',
    ]);
  });

  it("a missing runner's fix is the inventory's updateCommand when it has one", () => {
    const h2 = { ...host, remoteFlake: '/root', updateCommand: '/usr/local/sbin/lab-update-runner {vm}' };
    expect(fixCommands(h2, h2.vms[2])['vm.update']).toEqual(['cd /root && /usr/local/sbin/lab-update-runner vm3', 'systemctl restart microvm@vm3']);
  });

  it('a stopped VM fails the unit check with start as the fix, and its quiet bridge is not blamed', () => {
    const { byId } = run('vm5-stopped', 'vm5', false);
    expect(byId('unit.state').ok).toBe(false);
    expect(byId('unit.state').fix).toMatchObject({ action: 'vm.start', commands: ['systemctl start microvm@vm5'] });
    expect(byId('net.bridge').ok).toBe(true);
    expect(byId('net.bridge').evidence).toMatch(/^br-vm5: /);
    expect(byId('vm.ssh').ok).toBe(false);
  });

  it("a bridge that is down is named, and its fix names it (no placeholder)", () => {
    const { status } = run('vm2-healthy', 'vm2', true);
    const down = { ...status, vms: status.vms.map((v) => (v.name === 'vm2' ? { ...v, bridge: 'down' as const } : v)) };
    const vm = down.vms.find((v) => v.name === 'vm2')!;
    const checks = vmChecks({ host: down, vm, sections: splitSections(fixture('vm2-healthy.doctor.txt')), ssh: true, microvmsDir: host.microvmsDir, pool: host.pool, tap: 'vm-vm2', bridge: 'br-vm2', storageUnit: host.storageUnit, commands: fixCommands(host, host.vms[1]) });
    const br = checks.find((c) => c.id === 'net.bridge')!;
    expect(br).toMatchObject({ ok: false, evidence: 'br-vm2: down' });
    expect(br.fix?.commands).toEqual(['ip link set dev br-vm2 up']);
  });

  it('an SSH timeout is reported as such, and an unprobed VM is unknown, never passing', () => {
    expect(run('vm2-healthy', 'vm2', 'timeout').byId('vm.ssh').evidence).toMatch(/timed out/);
    expect(run('vm2-healthy', 'vm2', null).byId('vm.ssh').ok).toBeNull();
  });

  it('with no doctor evidence (the extra exec failed) checks say unknown instead of guessing', () => {
    const status = hostStatusFromSections(host, splitSections(fixture('vm2-healthy.gather.txt')), { now: Date.now() });
    const checks = vmChecks({ host: status, vm: status.vms[1]!, sections: new Map(), ssh: null, microvmsDir: host.microvmsDir, pool: host.pool, tap: 'vm-vm2', bridge: 'br-vm2', storageUnit: host.storageUnit, commands: fixCommands(host, host.vms[1]) });
    expect(checks.find((c) => c.id === 'net.tap')?.ok).toBeNull();
    expect(checks.find((c) => c.id === 'guest.network')?.ok).toBeNull();
  });

  it('a pool that is not imported fails with `zpool import` as the fix', () => {
    const { status } = run('vm2-healthy', 'vm2', true);
    const noPool = { ...status, pools: status.pools.filter((p) => p.name !== 'microvms') };
    const checks = hostChecks({ host: noPool, sections: new Map(), pool: 'microvms', storageUnit: host.storageUnit, commands: fixCommands(host) });
    expect(checks.find((c) => c.id === 'zfs.pool')).toMatchObject({ ok: false, fix: { action: 'pool.import', commands: ['zpool import microvms'] } });
  });

  it('a degraded pool and an inactive storage unit fail, the latter with a restart of the unit', () => {
    const { status } = run('vm2-healthy', 'vm2', true);
    const bad = { ...status, pools: status.pools.map((p) => ({ ...p, health: 'DEGRADED' })), storageUnit: { name: 'ebs-volume-microvm-storage.service', active: 'failed' } };
    const checks = hostChecks({ host: bad, sections: new Map(), pool: 'microvms', storageUnit: host.storageUnit, commands: fixCommands(host) });
    expect(checks.find((c) => c.id === 'zfs.pool')?.ok).toBe(false);
    expect(checks.find((c) => c.id === 'storage.unit')?.fix?.action).toBe('storage.restart');
  });
  it("says whether the host's changes are pushed: PID 1's journal readable (a user outside systemd-journal sees none) and ip working", () => {
    const { status } = run('vm2-healthy', 'vm2', true);
    const check = (text: string, rc: number) =>
      hostChecks({ host: status, sections: new Map([['events-journal', { text, rc }]]), pool: 'microvms', storageUnit: host.storageUnit, commands: fixCommands(host) }).find((c) => c.id === 'host.events');
    const entry = readFileSync(new URL('../fixtures/events/journal-pid1.jsonl', import.meta.url), 'utf8').split('\n')[0]!;
    expect(check(`${entry}\n`, 0)).toMatchObject({ ok: true });
    expect(check('', 0)).toMatchObject({ ok: false, evidence: expect.stringMatching(/^PID 1's journal is not readable by this user .*: the status is polled instead$/) });
    expect(check('sh: journalctl: not found\n', 127)).toMatchObject({ ok: false, evidence: 'journalctl not found: the status is polled instead' });
  });
});
