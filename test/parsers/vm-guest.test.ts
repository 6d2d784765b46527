import { describe, expect, it } from 'vitest';
import { inventorySchema } from '../../src/config/schema.js';
import { resolveInventory } from '../../src/config/resolve.js';
import { hostChecks, vmChecks } from '../../src/checks/doctor-checks.js';
import { setupChecks } from '../../src/checks/setup-checks.js';
import { eventGather, splitSections, type SectionOutput } from '../../src/host/gather.js';
import { ROUND_END } from '../../src/host/kept-shell.js';
import { parseEventLine, type EventLine } from '../../src/parsers/events.js';
import { parseJournalJson, parseProbeOutput, parseStatLinks, parseSystemctlShow, parseUnitList, parseZfsGet } from '../../src/parsers/index.js';
import { probeFailure } from '../../src/parsers/probe.js';
import { hostStatusFromSections } from '../../src/parsers/status-assemble.js';
import { ActionGuard } from '../../src/services/guard.js';
import { ActionService, parseUnitState } from '../../src/services/actions.js';
import { fixCommands } from '../../src/services/doctor.js';
import { SnapshotService } from '../../src/services/snapshots.js';
import { unitKnown } from '../../src/services/units.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';
import { fixture } from './fixture.js';

// The remote commands mvm-tui builds for the VM lab's inventory (test/lab/vm/app-commands.ts), run on lab v2's guest
// (OpenZFS 2.3.2, systemd 252, kernel 6.1) by test/lab/vm/capture-app-fixtures.sh (provenance in
// test/fixtures/SOURCES.md), read back by the app's own parsers and services: what a user would see.

const inv = resolveInventory(
  inventorySchema.parse({
    hosts: [
      {
        name: 'lab',
        ssh: { hostname: 'lab' },
        vmAccess: { mode: 'nested' },
        deploy: { mode: 'remote', command: '/usr/local/sbin/lab-deploy' },
        updateCommand: '/usr/local/sbin/lab-update-runner {vm}',
        vms: ['vm1', 'vm2', 'vm3', 'vm4', 'vm5'].map((name) => ({ name })),
      },
    ],
  }),
  'test',
);
const host = inv.hosts[0]!;
const vmCfg = (name: string) => host.vms.find((v) => v.name === name)!;

/** The kept shell's output, one section map per run (split at its `@@mvm-end TOKEN` lines). */
function rounds(text: string): Map<string, SectionOutput>[] {
  const out: Map<string, SectionOutput>[] = [];
  let start = 0;
  for (const m of text.matchAll(new RegExp(`^${ROUND_END}(\\d+)$`, 'gm'))) {
    out.push(splitSections(text.slice(start, m.index)));
    start = m.index + m[0].length + 1;
  }
  return out;
}

describe('event mode on the VM guest: the whole script through the kept shell, then a counters-only interval', () => {
  const [first, second] = rounds(fixture('gather/vm-event-rounds.txt'));

  it('the script the app sends is the one captured', () => {
    expect(eventGather(host).script).toBe(fixture('gather/vm-event-script.sh'));
  });

  it('the first run gives a whole host status: pools, storage, units, runners, counters', () => {
    expect([...first!.keys()]).toEqual(['system', 'failed', 'zpool-list', 'zpool-status', 'df', 'zfs', 'units', 'ip-links', 'runners', 'counters']);
    const hs = hostStatusFromSections(host, first!, { now: Date.now() });
    expect(hs).toMatchObject({ reachable: true, error: null, storageUnit: { name: 'ebs-volume-microvm-storage.service', active: 'active' } });
    expect(hs.system).toMatchObject({ state: 'running', failedUnits: [], load: [3.2, 3, 2.29], memTotal: 2026016 * 1024, memAvailable: 1713216 * 1024 });
    expect(hs.pools.map((p) => [p.name, p.health])).toEqual([['labmirror', 'ONLINE'], ['microvms', 'ONLINE']]);
    expect(hs.storage).toEqual({ mountpoint: '/', size: 8350298112, used: 923557888, available: 6980468736 });
    const vm = (n: string) => hs.vms.find((v) => v.name === n)!;
    expect(hs.vms.map((v) => [v.name, v.active, v.sub, v.autostart])).toEqual([
      ['vm1', 'active', 'running', true],
      ['vm2', 'active', 'running', true],
      ['vm3', 'active', 'running', true],
      ['vm4', 'inactive', 'dead', false],
      ['vm5', 'inactive', 'dead', false],
    ]);
    // the cgroup v2 counters of the `counters` line, not systemctl's MemoryCurrent/CPUUsageNSec
    expect(vm('vm1')).toMatchObject({ restarts: 1, memoryBytes: 2215936, cpuNs: 89101924000, since: new Date(1796590166000).toISOString() });
    expect(vm('vm4')).toMatchObject({ memoryBytes: null, cpuNs: null, bridge: 'no-carrier' });
    expect(vm('vm1')).toMatchObject({ runner: 'present', outdated: false, bridge: 'up', current: '/nix/store/a5ffb310b55dbz173b2b99963b957d59-microvm-cloud-hypervisor-vm1' });
    // a VM that never booted has `current` and no `booted`: nothing to restart onto
    expect(vm('vm5')).toMatchObject({ runner: 'present', booted: null, outdated: false });
    expect(vm('vm1')).toMatchObject({ snapshots: 3, newestSnapshot: '20261124-0900', datasetUsed: 6369280 });
    expect(vm('vm3').snapshots).toBe(2);
  });

  it('a counters-only interval runs no process for the runner links (unchanged) and moves the counters on', () => {
    expect([...second!.keys()]).toEqual(['counters']);
    const kept = new Map([...first!, ...second!]);
    const hs = hostStatusFromSections(host, kept, { now: Date.now() });
    const vm1 = hs.vms.find((v) => v.name === 'vm1')!;
    expect(vm1).toMatchObject({ memoryBytes: 2207744, cpuNs: 89227764000 });
    expect(hs.system.load).toEqual([3.2, 3, 2.29]);
  });
});

describe('the event stream on the VM guest: vm1 killed and restarted, vm4 started and stopped, a scrub', () => {
  const lines = fixture('events/vm-stream-kill-vm1-start-stop-vm4-scrub.txt').split('\n').filter(Boolean);
  const events = lines.map((l) => [l, parseEventLine(l)] as const);
  const kinds = (k: EventLine['kind']) => events.filter(([, e]) => e.kind === k);

  it('every line is understood: no source reports a problem', () => {
    expect(events[0]![1]).toEqual({ kind: 'ready' });
    expect(kinds('note').map(([l]) => l)).toEqual([]);
    expect(kinds('other').map(([l]) => l)).toEqual(['bus Monitoring bus message stream.']);
  });

  it("the bus gives vm1's states as they happen: killed, auto-restart, running again", () => {
    const states = events.filter(([l, e]) => l.startsWith('bus ') && e.kind === 'unit' && e.unit === 'microvm@vm1.service' && e.state).map(([, e]) => (e as { state: string }).state);
    const dedup = states.filter((s, i) => s !== states[i - 1]);
    expect(dedup[0]).toBe('deactivating/stop-sigterm');
    expect(dedup).toContain('activating/auto-restart');
    expect(dedup.at(-1)).toBe('active/running');
  });

  it("PID 1's journal says vm1 failed (its result 'signal'), and names the units that changed", () => {
    const unit = kinds('unit').filter(([l]) => l.startsWith('unit '));
    expect(unit.some(([, e]) => e.kind === 'unit' && e.unit === 'microvm@vm1.service' && e.failed)).toBe(true);
    expect(new Set(unit.map(([, e]) => (e as { unit: string }).unit))).toEqual(new Set(['microvm@vm1.service', 'microvm-tap-interfaces@vm1.service', 'microvm@vm4.service', 'microvm-tap-interfaces@vm4.service']));
  });

  it('ip monitor: vm4 TAP and bridge gaining and losing carrier are link events', () => {
    const links = kinds('link').map(([l]) => l);
    expect(links.length).toBeGreaterThanOrEqual(4);
    expect(links.some((l) => /vm-vm4@\S+: <BROADCAST,MULTICAST,UP,LOWER_UP>/.test(l))).toBe(true);
    expect(links.some((l) => /br-vm4: <NO-CARRIER,/.test(l))).toBe(true);
  });

  it('zpool events -f replays the history at start (one pools refresh), then the scrub', () => {
    const pool = kinds('pool').map(([l]) => l);
    expect(pool.length).toBeGreaterThan(100);
    expect(pool.filter((l) => /\tsysevent\.fs\.zfs\.scrub_(start|finish)$/.test(l)).length).toBeGreaterThanOrEqual(2);
  });
});

describe('the doctor and config check on the VM guest', () => {
  const status = hostStatusFromSections(host, rounds(fixture('gather/vm-event-rounds.txt'))[0]!, { now: Date.now() });
  function checks(file: string, vmName: string, ssh: boolean | null) {
    const vm = status.vms.find((v) => v.name === vmName)!;
    const list = vmChecks({ host: status, vm, sections: splitSections(fixture(`doctor/${file}`)), ssh, microvmsDir: host.microvmsDir, pool: host.pool, tap: `vm-${vmName}`, bridge: vmCfg(vmName).bridge, storageUnit: host.storageUnit, commands: fixCommands(host, vmCfg(vmName)) });
    return (id: string) => list.find((c) => c.id === id)!;
  }

  it('a running VM passes: unit, runner, TAP on its bridge, mounted dataset, network lines', () => {
    const c = checks('vm-vm1-running.doctor.txt', 'vm1', true);
    expect(c('unit.state')).toMatchObject({ ok: true, evidence: expect.stringMatching(/^microvm@vm1: active\/running, result success, \d+ restarts$/) });
    expect(c('runner.present').ok).toBe(true);
    expect(c('net.tap')).toMatchObject({ ok: true, evidence: 'vm-vm1: UP, on br-vm1' });
    expect(c('zfs.mounted')).toMatchObject({ ok: true, evidence: 'microvms/storage/vm1: mounted=yes at /var/lib/microvms/vm1' });
    expect(c('guest.network')).toMatchObject({ ok: true, evidence: expect.stringContaining('[vm1] network: eth0: link up, 10.1.0.2/24 via br-vm1') });
  });

  it('a stopped VM whose unit was never checked since it was loaded is not called skipped (ConditionResult=no, no time)', () => {
    const text = fixture('doctor/vm-vm4-stopped.doctor.txt');
    expect(text).toMatch(/^ConditionResult=no\nConditionTimestamp=\n/m);
    const c = checks('vm-vm4-stopped.doctor.txt', 'vm4', false);
    expect(c('unit.state')).toMatchObject({ ok: false, fix: { action: 'vm.start' } });
    expect(c('unit.state').evidence).not.toMatch(/condition/);
    expect(c('runner.present').ok).toBe(true);
  });

  it('a start skipped by the missing runner is named as such, with the rebuild as the fix', () => {
    const before = checks('vm-vm5-runner-missing.doctor.txt', 'vm5', false);
    expect(before('unit.state').evidence).not.toMatch(/condition failed/);
    expect(before('runner.present')).toMatchObject({ ok: false, evidence: expect.stringMatching(/does not resolve: ls: cannot access '\/var\/lib\/microvms\/vm5\/current\/bin\/microvm-run': No such file or directory$/) });
    const skipped = checks('vm-vm5-runner-missing-start-skipped.doctor.txt', 'vm5', false);
    expect(skipped('unit.state').evidence).toMatch(/^microvm@vm5: inactive\/dead, result success, 0 restarts, condition failed \(skipped\)$/);
    expect(skipped('runner.present').fix?.action).toBe('vm.update');
  });

  it('host checks: comin is not installed (no Comin check), the events journal is readable, the setup is found', () => {
    const sections = splitSections(fixture('doctor/vm-host.doctor.txt'));
    expect(sections.get('comin')).toEqual({ text: 'bash: line 1: comin: command not found\n', rc: 127 });
    const hc = hostChecks({ host: status, sections, pool: host.pool, storageUnit: host.storageUnit, commands: fixCommands(host, undefined) });
    expect(hc.find((c) => c.id === 'host.comin')).toBeUndefined();
    expect(hc.find((c) => c.id === 'host.state')).toMatchObject({ ok: true });
    expect(hc.find((c) => c.id === 'zfs.pool.labmirror')).toMatchObject({ ok: true, evidence: 'labmirror: ONLINE' });
    expect(hc.find((c) => c.id === 'host.disk')).toMatchObject({ ok: true, evidence: '11% used' });
    const events = hc.find((c) => c.id === 'host.events');
    expect(events?.ok).toBe(true);
    const setup = setupChecks({ ...host, remoteFlake: '/root/simple-microvm-infra' }, sections);
    expect(setup.map((c) => [c.id, c.ok, c.evidence])).toEqual([
      ['setup.remoteFlake', true, '/root/simple-microvm-infra: a directory'],
      ['setup.updateCommand', true, '/usr/local/sbin/lab-update-runner: /usr/local/sbin/lab-update-runner'],
      ['setup.deployCommand', true, '/usr/local/sbin/lab-deploy: /usr/local/sbin/lab-deploy'],
      ['setup.pool', true, 'microvms: imported'],
      ['setup.storageUnit', true, 'ebs-volume-microvm-storage: loaded'],
    ]);
  });
});

describe('VM probe, unit actions, unit names and logs on the VM guest', () => {
  const names = host.vms.map((v) => v.name);

  it('the nested ssh probe: under 3 s every VM timed out on the TCG guest; with 20 s the stopped ones fail', () => {
    const slow = parseProbeOutput(fixture('probe/vm-probe-all-timed-out-3s.txt'), names);
    expect([...slow.values()].map(probeFailure)).toEqual(Array(5).fill('timed out'));
    const codes = parseProbeOutput(fixture('probe/vm-probe-20s-vm1-3-up-vm4-5-down.txt'), names);
    expect(Object.fromEntries(codes)).toEqual({ vm1: 0, vm2: 0, vm3: 0, vm4: 255, vm5: 255 });
    expect(probeFailure(codes.get('vm4')!)).toBe('ssh failed');
  });

  it('the settle poll: running, killed (auto-restart, result signal), stopped, skipped by its condition', () => {
    expect(parseUnitState(fixture('systemctl/vm-show-settle-vm1-running.txt'))).toMatchObject({ active: 'active', sub: 'running', condition: 'yes' });
    expect(parseUnitState(fixture('systemctl/vm-show-settle-vm1-killed.txt'))).toMatchObject({ active: 'activating', sub: 'auto-restart', result: 'signal', condition: 'yes' });
    expect(parseUnitState(fixture('systemctl/vm-show-settle-vm4-inactive.txt'))).toMatchObject({ active: 'inactive', sub: 'dead' });
    expect(parseUnitState(fixture('systemctl/vm-show-settle-vm5-skipped.txt'))).toMatchObject({ active: 'inactive', sub: 'dead', condition: 'no' });
  });

  it("the unit prompt's list and the known-unit check", async () => {
    const units = parseUnitList(fixture('systemctl/vm-list-units-all-type-service.txt'));
    expect(units).toEqual(expect.arrayContaining(['microvm@vm1.service', 'microvm-tap-interfaces@vm1.service', 'ebs-volume-microvm-storage.service', 'sshd.service']));
    expect(units).toHaveLength(fixture('systemctl/vm-list-units-all-type-service.txt').trimEnd().split('\n').length);
    const t = new ScriptedTransport()
      .on("'microvm@vm1.service'", { stdout: fixture('systemctl/vm-unit-known-microvm-vm1.txt') })
      .on('nosuch-unit.service', { stdout: fixture('systemctl/vm-unit-known-missing.txt') });
    expect(await unitKnown(t, 'lab', 'microvm@vm1.service')).toBe(true);
    expect(await unitKnown(t, 'lab', 'nosuch-unit.service')).toBe(false);
  });

  it("the log pane's journalctl -o json lines: message, priority, unit", () => {
    const entries = fixture('journalctl/vm-pane-u-microvm-vm1-o-json-output-fields-n10.txt').split('\n').filter(Boolean).map((l) => parseJournalJson(l));
    expect(entries).toHaveLength(10);
    for (const e of entries) expect(e).toMatchObject({ message: expect.stringMatching(/^\[vm1\] heartbeat \d+$/), priority: 6, unit: 'microvm@vm1.service' });
  });

  it("runner links: current and booted agree (the action service's view)", async () => {
    const t = new ScriptedTransport().on('readlink', { stdout: fixture('nix/vm-runner-links-vm1.txt') });
    const svc = new ActionService({ inventory: inv, transport: t, guard: new ActionGuard(inv, { append: async () => undefined } as never) });
    expect(await svc.runnerLinks('lab', 'vm1')).toEqual({ current: '/nix/store/a5ffb310b55dbz173b2b99963b957d59-microvm-cloud-hypervisor-vm1', booted: '/nix/store/a5ffb310b55dbz173b2b99963b957d59-microvm-cloud-hypervisor-vm1', outdated: false });
  });

  it("a missing runner in the gather's stat: current and booted absent", () => {
    const s = splitSections(fixture('gather/vm-runners-vm5-missing.txt')).get('runners')!;
    const links = parseStatLinks(s.text);
    expect(links.get('/var/lib/microvms/vm5/current')).toBeNull();
    expect(links.get('/var/lib/microvms/vm1/current')).toMatch(/^\/nix\/store\/\w+-microvm-cloud-hypervisor-vm1$/);
    expect(links.size).toBe(10);
  });
});

describe("the snapshot browser's listing and the rollback's reads on the VM guest", () => {
  it("zfs get -H -p for one VM's dataset: its snapshots, newest first, with sizes and times", async () => {
    const t = new ScriptedTransport().on('zfs get', { stdout: fixture('zfs/vm-list-microvms-storage-vm1.txt') });
    const svc = new SnapshotService({ inventory: inv, transport: t, guard: new ActionGuard(inv, { append: async () => undefined } as never) });
    const listing = await svc.list('lab', 'microvms/storage/vm1');
    const ds = listing.datasets.find((d) => d.name === 'microvms/storage/vm1')!;
    expect(ds.snapshots.map((s) => s.name)).toEqual(['20261124-0900', '20261122-0900', '20261120-0900']);
    expect(ds.snapshots[0]).toMatchObject({ used: 13312, referenced: 6327296 });
  });

  it('mounted is yes; a busy umount/rename says busy (the retry catches it); the holders name the runner', () => {
    expect(fixture('zfs/vm-get-H-o-value-mounted-vm1.txt')).toBe('yes\n');
    for (const f of ['zfs/vm-umount-busy-vm1.txt', 'zfs/vm-rename-busy-vm1.txt']) expect(fixture(f)).toMatch(/^cannot unmount '\/var\/lib\/microvms\/vm1': pool or dataset is busy\n/);
    expect(fixture('zfs/vm-holders-var-lib-microvms-vm1.txt')).toMatch(/^\d+ vm-runner\n/);
    expect(parseZfsGet(fixture('zfs/vm-list-microvms-storage-vm1.txt')).size).toBe(4);
  });

  it('the settle after a kill logs no error-priority line within the action', () => {
    expect(parseSystemctlShow(fixture('systemctl/vm-show-settle-vm1-killed.txt'))[0]).toMatchObject({ NRestarts: expect.stringMatching(/^\d+$/) });
  });
});
