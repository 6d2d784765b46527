import { describe, expect, it } from 'vitest';
import { inventorySchema } from '../../src/config/schema.js';
import { resolveInventory } from '../../src/config/resolve.js';
import { hostChecks, vmChecks } from '../../src/checks/doctor-checks.js';
import { setupChecks } from '../../src/checks/setup-checks.js';
import { eventGather, splitSections, type SectionOutput } from '../../src/host/gather.js';
import { ROUND_END } from '../../src/host/kept-shell.js';
import { parseEventLine, type EventLine } from '../../src/parsers/events.js';
import { parseJournalJson, parseStatLinks, parseUnitList } from '../../src/parsers/index.js';
import { compactEntry } from '../../src/parsers/lazy-entry.js';
import { parseProbeOutput, probeFailure } from '../../src/parsers/probe.js';
import { hostStatusFromSections } from '../../src/parsers/status-assemble.js';
import { ActionService, parseUnitState } from '../../src/services/actions.js';
import { MemoryAudit } from '../../src/services/audit.js';
import { fixCommands } from '../../src/services/doctor.js';
import { ActionGuard } from '../../src/services/guard.js';
import { executeRollback, planRollback } from '../../src/services/rollback.js';
import { SnapshotService } from '../../src/services/snapshots.js';
import { HostEvents } from '../../src/services/status-events.js';
import { unitKnown } from '../../src/services/units.js';
import { PgidSniffer } from '../../src/ssh/kill.js';
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
    expect([...first!.keys()]).toEqual(['system', 'failed', 'zpool-list', 'zpool-status', 'df', 'zfs', 'units', 'bridges', 'runners', 'counters']);
    const hs = hostStatusFromSections(host, first!, { now: Date.now() });
    expect(hs).toMatchObject({ reachable: true, error: null, storageUnit: { name: 'ebs-volume-microvm-storage.service', active: 'active' } });
    expect(hs.system).toMatchObject({ state: 'running', failedUnits: [], load: [3.06, 0.91, 0.31], memTotal: 2026016 * 1024, memAvailable: 1760552 * 1024 });
    expect(hs.pools.map((p) => [p.name, p.health])).toEqual([['labmirror', 'ONLINE'], ['microvms', 'ONLINE']]);
    // /var/lib/microvms itself is a directory on the root file system; each VM's dataset is mounted below it
    expect(hs.storage).toEqual({ mountpoint: '/', size: 8350298112, used: 909238272, available: 6994788352 });
    const vm = (n: string) => hs.vms.find((v) => v.name === n)!;
    expect(hs.vms.map((v) => [v.name, v.active, v.sub, v.autostart])).toEqual([
      ['vm1', 'active', 'running', true],
      ['vm2', 'active', 'running', true],
      ['vm3', 'active', 'running', true],
      ['vm4', 'inactive', 'dead', false],
      ['vm5', 'inactive', 'dead', false],
    ]);
    // the cgroup v2 counters of the `counters` line, not systemctl's MemoryCurrent/CPUUsageNSec
    expect(vm('vm1')).toMatchObject({ restarts: 0, memoryBytes: 2498560, cpuNs: 863999000, since: new Date(1796602170000).toISOString() });
    expect(vm('vm3')).toMatchObject({ restarts: 0, memoryBytes: 2228224, cpuNs: 820497000 });
    expect(vm('vm4')).toMatchObject({ memoryBytes: null, cpuNs: null, bridge: 'no-carrier' });
    expect(vm('vm1')).toMatchObject({ runner: 'present', outdated: false, bridge: 'up', current: '/nix/store/a5ffb310b55dbz173b2b99963b957d59-microvm-cloud-hypervisor-vm1' });
    // a VM that never booted has `current` and no `booted`: nothing to restart onto
    expect(vm('vm5')).toMatchObject({ runner: 'present', booted: null, outdated: false });
    expect(vm('vm1')).toMatchObject({ snapshots: 3, newestSnapshot: '20261124-0900' });
    expect(vm('vm3').snapshots).toBe(2);
  });

  it('a counters-only interval prints only the counters (the runner links did not change) and they are what the status shows', () => {
    expect([...second!.keys()]).toEqual(['counters']);
    const hs = hostStatusFromSections(host, new Map([...first!, ...second!]), { now: Date.now() });
    expect(hs.vms.map((v) => [v.name, v.memoryBytes, v.cpuNs])).toEqual([
      ['vm1', 2498560, 863999000],
      ['vm2', 2269184, 867219000],
      ['vm3', 2228224, 820497000],
      ['vm4', null, null],
      ['vm5', null, null],
    ]);
    expect(hs.system).toMatchObject({ load: [3.06, 0.91, 0.31], memAvailable: 1760552 * 1024 });
    // the runner links and units read in the first run stay
    expect(hs.vms.find((v) => v.name === 'vm1')).toMatchObject({ runner: 'present', active: 'active' });
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

  it("the bus gives vm1's states as they happen: stop-post, failed, auto-restart, then started again", () => {
    const states = events.filter(([l, e]) => l.startsWith('bus ') && e.kind === 'unit' && e.unit === 'microvm@vm1.service').map(([, e]) => (e as { state: string }).state);
    expect(states.filter((st, i) => st !== states[i - 1])).toEqual([
      'deactivating/stop-post',
      'failed/failed',
      'activating/auto-restart',
      'inactive/dead',
      'activating/start-pre',
      'activating/start',
      'active/running',
    ]);
  });

  it('through the stream handler: the card gets each new state once, and each event asks for its sections', () => {
    const t = new ScriptedTransport();
    const seen: string[] = [];
    const groups = new Map<string, number>();
    const ev = new HostEvents(t, host, undefined, {
      ready: () => seen.push('ready'),
      changed: (g) => groups.set(g, (groups.get(g) ?? 0) + 1),
      unitState: (unit, st) => unit === 'microvm@vm1.service' && seen.push(`${st.active}/${st.sub}`),
      ended: () => seen.push('ended'),
    });
    ev.start();
    for (const l of lines) t.streams[0]!.handlers.onLine(l);
    expect(seen).toEqual(['ready', 'deactivating/stop-post', 'failed/failed', 'activating/auto-restart', 'inactive/dead', 'activating/start-pre', 'activating/start', 'active/running']);
    expect(groups.get('links')).toBe(kinds('link').length);
    expect(groups.get('pools')).toBe(kinds('pool').length);
    expect(groups.get('units')).toBeGreaterThan(10);
    ev.stop();
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
  // as the doctor reads it, with the status refreshed at the same time: vm5's runner broken in both
  const broken = hostStatusFromSections(host, new Map([...rounds(fixture('gather/vm-event-rounds.txt'))[0]!, ...splitSections(fixture('gather/vm-runners-vm5-missing.txt'))]), { now: Date.now() });
  function checks(file: string, vmName: string, ssh: boolean | null) {
    const vm = (vmName === 'vm5' ? broken : status).vms.find((v) => v.name === vmName)!;
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

  it('a missing runner: the runner check names the cause and the rebuild as the fix, before and after a skipped start', () => {
    // systemd 252 unloads the unit right after its start was skipped (vm5 is in no target): the show that follows
    // reads a freshly loaded unit, ConditionResult=no with no ConditionTimestamp, so the skip itself is not on record
    for (const file of ['vm-vm5-runner-missing.doctor.txt', 'vm-vm5-runner-missing-start-skipped.doctor.txt']) {
      expect(fixture(`doctor/${file}`)).toMatch(/^ConditionResult=no\nConditionTimestamp=\n/m);
      const c = checks(file, 'vm5', false);
      expect(c('unit.state')).toMatchObject({ ok: false, evidence: 'microvm@vm5: inactive/dead, result success, 0 restarts', fix: { action: 'vm.update' } });
      expect(c('runner.present')).toMatchObject({ ok: false, fix: { action: 'vm.update' } });
      expect(c('runner.present').evidence).toBe('/var/lib/microvms/vm5/current is missing: the unit is skipped by ConditionPathExists (the cause of "VM won\'t start")');
    }
  });

  it('a VM that microvms.target wants, restarted without its runner: its unit stays loaded and says it was skipped', () => {
    expect(fixture('doctor/vm-vm3-restart-skipped.doctor.txt')).toMatch(/^ConditionResult=no\nConditionTimestamp=@\d+\n/m);
    const c = checks('vm-vm3-restart-skipped.doctor.txt', 'vm3', false);
    expect(c('unit.state')).toMatchObject({ ok: false, evidence: 'microvm@vm3: inactive/dead, result success, 0 restarts, condition failed (skipped)' });
    expect(c('runner.present')).toMatchObject({ ok: false, fix: { action: 'vm.update' } });
  });

  it('host checks: comin is not installed (no Comin check), the events journal is readable, the setup is found', () => {
    const sections = splitSections(fixture('doctor/vm-host.doctor.txt'));
    expect(sections.get('comin')).toEqual({ text: 'bash: line 1: comin: command not found\n', rc: 127 });
    const hc = hostChecks({ host: status, sections, pool: host.pool, storageUnit: host.storageUnit, commands: fixCommands(host, undefined) });
    const byId = (id: string) => hc.find((c) => c.id === id);
    expect(byId('host.comin')).toBeUndefined();
    expect(byId('host.state')).toMatchObject({ ok: true, evidence: 'systemctl is-system-running: running' });
    expect(byId('zfs.pool.labmirror')).toMatchObject({ ok: true, evidence: 'labmirror: ONLINE' });
    expect(byId('host.disk')).toMatchObject({ ok: true, evidence: '11% used' });
    expect(hc.filter((c) => c.ok === false)).toEqual([]);
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

  it("the nested ssh probe: with the lab inventory's 15 s the stopped VMs fail; with the default 3 s the running ones time out", () => {
    const codes = parseProbeOutput(fixture('probe/vm-probe-15s-vm1-3-up-vm4-5-down.txt'), names);
    expect(Object.fromEntries(codes)).toEqual({ vm1: 0, vm2: 0, vm3: 0, vm4: 255, vm5: 255 });
    expect(probeFailure(codes.get('vm4')!)).toBe('ssh failed');
    const fast = parseProbeOutput(fixture('probe/vm-probe-3s-all-timed-out.txt'), names);
    expect(Object.fromEntries([...fast].map(([n, c]) => [n, probeFailure(c)]))).toEqual({ vm1: 'timed out', vm2: 'timed out', vm3: 'timed out', vm4: 'ssh failed', vm5: 'ssh failed' });
  });

  it("a cancellable run's process-group report is taken off stderr", () => {
    const passed: string[] = [];
    const sniff = new PgidSniffer((t) => passed.push(t));
    sniff.push(fixture('ssh/vm-pgid-report-stderr.txt'));
    sniff.flush();
    expect(sniff.pgid).toBeGreaterThan(1);
    expect(passed.join('')).toBe('');
  });

  it('the settle poll: running, killed (auto-restart, result signal), stopped, stopped after a skipped start', () => {
    expect(parseUnitState(fixture('systemctl/vm-show-settle-vm1-running.txt'))).toEqual({ active: 'active', sub: 'running', result: 'success', condition: 'yes', restarts: 6 });
    expect(parseUnitState(fixture('systemctl/vm-show-settle-vm1-killed.txt'))).toEqual({ active: 'activating', sub: 'auto-restart', result: 'signal', condition: 'yes', restarts: 6 });
    expect(parseUnitState(fixture('systemctl/vm-show-settle-vm4-inactive.txt'))).toEqual({ active: 'inactive', sub: 'dead', result: 'success', condition: 'no', restarts: 0 });
    expect(parseUnitState(fixture('systemctl/vm-show-settle-vm5-skipped.txt'))).toEqual({ active: 'inactive', sub: 'dead', result: 'success', condition: 'no', restarts: 0 });
  });

  it('a restart its condition skipped is reported as such', async () => {
    const t = new ScriptedTransport()
      .on('systemctl restart', {})
      .on('systemctl show', { stdout: fixture('systemctl/vm-show-settle-vm3-restart-skipped.txt') })
      .on('journalctl', { stdout: '' });
    const svc = new ActionService({ inventory: inv, transport: t, guard: new ActionGuard(inv, new MemoryAudit()), sleep: async () => undefined });
    const [o] = await svc.unitAction('restart', 'lab', ['vm3']);
    expect(o).toMatchObject({ ok: false, message: 'vm3: restart failed: skipped: its condition failed (is the runner /var/lib/microvms/vm3/current missing?)' });
  });

  it("a failed action's journal lines: systemd's own words on the kill (logged at warning)", () => {
    expect(fixture('journalctl/vm-p-warning-since-20s-vm1-after-kill.txt').split('\n').filter(Boolean)).toEqual([
      'microvm@vm1.service: Main process exited, code=killed, status=9/KILL',
      "microvm@vm1.service: Failed with result 'signal'.",
    ]);
  });

  it("the unit prompt's list and the known-unit check", async () => {
    const text = fixture('systemctl/vm-list-units-all-type-service.txt');
    const units = parseUnitList(text);
    expect(units).toEqual(expect.arrayContaining(['microvm@vm1.service', 'microvm-tap-interfaces@vm1.service', 'ebs-volume-microvm-storage.service', 'ssh.service']));
    expect(units).toHaveLength(text.trimEnd().split('\n').length);
    const t = new ScriptedTransport()
      .on('microvm@vm1.service', { stdout: fixture('systemctl/vm-unit-known-microvm-vm1.txt') })
      .on('nosuch-unit.service', { stdout: fixture('systemctl/vm-unit-known-missing.txt') });
    expect(await unitKnown(t, 'lab', 'microvm@vm1.service')).toBe(true);
    expect(await unitKnown(t, 'lab', 'nosuch-unit.service')).toBe(false);
  });

  it("the log pane's journalctl -o json lines: message, priority, unit, time", () => {
    const lines = fixture('journalctl/vm-pane-u-microvm-vm1-o-json-output-fields-n10.txt').split('\n').filter(Boolean);
    expect(lines).toHaveLength(10);
    for (const line of lines) {
      const e = parseJournalJson(line);
      expect(e).toMatchObject({ message: expect.stringMatching(/^\[vm1\] heartbeat \d+$/), priority: 6, unit: 'microvm@vm1.service', identifier: 'microvm@vm1' });
      expect(e!.realtimeUs).toBeGreaterThan(1796500000000000n);
      expect(compactEntry(line)).toMatchObject({ cursor: e!.cursor, message: e!.message, priority: 6 });
    }
  });

  it('runner links: current and booted agree (the action service reads no restart needed)', async () => {
    const inv2 = inv;
    const t = new ScriptedTransport().on('readlink', { stdout: fixture('nix/vm-runner-links-vm1.txt') });
    const svc = new ActionService({ inventory: inv2, transport: t, guard: new ActionGuard(inv2, new MemoryAudit()) });
    const store = '/nix/store/a5ffb310b55dbz173b2b99963b957d59-microvm-cloud-hypervisor-vm1';
    expect(await svc.runnerLinks('lab', 'vm1')).toEqual({ current: store, booted: store, outdated: false });
  });

  it("a missing runner in the gather's stat: vm5's links absent, vm4's booted absent (never started)", () => {
    const s = splitSections(fixture('gather/vm-runners-vm5-missing.txt')).get('runners')!;
    expect(s.rc).toBe(1);
    const links = parseStatLinks(s.text);
    expect(links.size).toBe(10);
    expect(links.get('/var/lib/microvms/vm5/current')).toBeNull();
    expect(links.get('/var/lib/microvms/vm5/booted')).toBeNull();
    expect(links.get('/var/lib/microvms/vm4/booted')).toBeNull();
    expect(links.get('/var/lib/microvms/vm1/current')).toMatch(/^\/nix\/store\/\w+-microvm-cloud-hypervisor-vm1$/);
  });
});

describe("the snapshot browser's listing and a rollback on the VM guest's outputs", () => {
  function service() {
    const transport = new ScriptedTransport();
    const svc = new SnapshotService({ inventory: inv, transport, guard: new ActionGuard(inv, new MemoryAudit()), now: () => new Date('2026-12-06T21:30:00Z') });
    transport.on('zfs get -H -p', { stdout: fixture('zfs/vm-list-microvms-storage-vm1.txt') });
    return { svc, transport };
  }

  it("zfs get -H -p for one VM's dataset: its snapshots, newest first, with sizes and times", async () => {
    const listing = await service().svc.list('lab', 'microvms/storage/vm1');
    expect(listing.datasets.map((d) => d.name)).toEqual(['microvms/storage/vm1']);
    const ds = listing.datasets[0]!;
    expect(ds).toMatchObject({ used: 6369280, referenced: 6327296 });
    expect(ds.snapshots.map((s) => [s.name, s.used, s.referenced, s.createdAt])).toEqual([
      ['20261124-0900', 13312, 6327296, 1796589826000],
      ['20261122-0900', 13312, 3177472, 1796589824000],
      ['20261120-0900', 12288, 1076224, 1796589823000],
    ]);
  });

  it('zfs diff -H escapes a space, a backslash and UTF-8 bytes; the browser shows the names as they are', async () => {
    const { svc, transport } = service();
    transport.on('zfs diff', { stdout: fixture('zfs/vm-diff-H-vm2-escaped-names.txt') });
    expect(fixture('zfs/vm-diff-H-vm2-escaped-names.txt')).toContain('+\t/var/lib/microvms/vm2/persist/with\\0040space\n');
    const d = await svc.diff('lab', 'vm2', '20261124-0900');
    expect(d.lines.filter((l) => l.includes('/persist/'))).toEqual([
      '+\t/var/lib/microvms/vm2/persist/with space',
      '+\t/var/lib/microvms/vm2/persist/back\\slash',
      '+\t/var/lib/microvms/vm2/persist/caf\u00e9',
    ]);
  });

  it("the rollback's is-active question: vm1 active, vm4 inactive (exit 3)", async () => {
    const { svc, transport } = service();
    transport.on('microvm@vm1', { stdout: fixture('systemctl/vm-is-active-vm1.txt') });
    transport.on('microvm@vm4', { stdout: fixture('systemctl/vm-is-active-vm4.txt').replace(/exit 3\n$/, ''), code: 3 });
    expect(await svc.unitActive('lab', 'microvm@vm1')).toBe(true);
    expect(await svc.unitActive('lab', 'microvm@vm4')).toBe(false);
  });

  it('zfs diff -H: the changed paths since a snapshot, as the browser lists them', async () => {
    const { svc, transport } = service();
    transport.on('zfs diff', { stdout: fixture('zfs/vm-diff-H-vm1.txt') });
    const d = await svc.diff('lab', 'vm1', '20261120-0900');
    expect(d.supported).toBe(true);
    expect(d.lines.map((l) => l.split('\t'))).toEqual([
      ['M', '/var/lib/microvms/vm1/persist'],
      ['M', '/var/lib/microvms/vm1/persist/data-20261120-0900'],
      ['+', '/var/lib/microvms/vm1/persist/renamed'],
      ['+', '/var/lib/microvms/vm1/booted'],
      ['+', '/var/lib/microvms/vm1/persist/added'],
      ['M', '/var/lib/microvms/vm1/'],
    ]);
  });

  it('a rollback of a running VM whose dataset stays busy changes nothing and names the runner holding it', async () => {
    const { svc, transport } = service();
    transport
      .on('mountpoint', { stdout: fixture('zfs/vm-get-H-o-value-source-mountpoint-vm1.txt') })
      .on('systemctl is-active', { stdout: 'active\n' })
      .on(/^systemctl (stop|start) /, { code: 0 })
      .on('zfs umount', { code: 1, stderr: fixture('zfs/vm-umount-busy-vm1.txt').replace(/exit 1\n$/, '') })
      .on(/^sh -c .*find \/proc/, { stdout: fixture('zfs/vm-holders-var-lib-microvms-vm1.txt') })
      .on(/^zfs mount /, { code: 0 });
    const plan = await planRollback(svc, 'lab', 'vm1', '20261120-0900');
    expect(plan).toMatchObject({ mountpoint: '/var/lib/microvms/vm1', mountpointLocal: true, newer: [{ name: '20261124-0900' }, { name: '20261122-0900' }] });
    await expect(executeRollback(svc, plan)).rejects.toThrow(
      /^rollback failed: lab: cannot unmount '\/var\/lib\/microvms\/vm1': pool or dataset is busy \(held by vm-runner \(pid \d+\), sleep \(pid \d+\)\); nothing changed$/,
    );
    expect(transport.sent.map((s) => s.command).filter((c) => /^zfs (rename|clone|promote|destroy)/.test(c))).toEqual([]);
    // the rename refused on OpenZFS for the same reason says the same
    expect(fixture('zfs/vm-rename-busy-vm1.txt')).toBe(fixture('zfs/vm-umount-busy-vm1.txt'));
    expect(fixture('zfs/vm-get-H-o-value-mounted-vm1.txt')).toBe('yes\n');
  });
});
