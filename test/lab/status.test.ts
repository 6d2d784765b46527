import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shJoin } from '../../src/host/quote.js';
import { statusReportSchema, type HostStatus, type StatusReport, type VmStatus } from '../../src/model/status.js';
import { openRuntime, type Runtime } from '../../src/services/runtime.js';
import { fetchHostStatus } from '../../src/services/status.js';
import { vmProblems } from '../../src/model/status-check.js';
import { LAB_SLOW, labRun } from './paths.js';

// The status refresh against the lab hypervisor (real sshd, systemd 252, zfs-fuse, bridges). Stops vm2,
// crashes vm1, flips vm3's runner and removes vm5's runner link, and sees each in fetchHostStatus and in
// `mvm-tui status --json`, and the event mode's whole read (its own script, in one kept shell across the changes)
// show the same; puts everything back afterwards. Run: npx tsup && npm run lab:run -- npx vitest run
// --project lab test/lab/status.test.ts (after npm run lab:up).

const INVENTORY = labRun('inventory.yaml');
const BIN = fileURLToPath(new URL('../../bin/mvm-tui', import.meta.url));
const HOST = 'lab';
const run = promisify(execFile);
/** A change must show within this long (a crash shows once systemd schedules the restart: RestartSec=5s). */
const BUDGET_MS = 3_000 * LAB_SLOW;

let rt: Runtime;
let vm3Current: string | null = null;

const sh = async (command: string) => (await rt.transport.exec({ host: HOST }, command, { timeoutMs: 20_000 })).stdout.trim();
const host = () => rt.inventory.hosts[0]!;
const vm = (hs: HostStatus, name: string): VmStatus => hs.vms.find((v) => v.name === name)!;

/** Refreshes until `ok` holds or the budget is spent; returns the last status and how long it took. */
async function until(ok: (hs: HostStatus) => boolean, budgetMs = BUDGET_MS, probeVms = false): Promise<{ hs: HostStatus; ms: number }> {
  const start = Date.now();
  for (;;) {
    const hs = await fetchHostStatus(rt.transport, host(), { probeVms });
    if (ok(hs) || Date.now() - start > budgetMs) return { hs, ms: Date.now() - start };
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function cliJson(): Promise<{ code: number; report: StatusReport }> {
  let code = 0;
  let stdout = '';
  try {
    stdout = (await run(process.execPath, [BIN, 'status', '--json', '--config', INVENTORY], { timeout: 60_000 })).stdout;
  } catch (e) {
    const err = e as { code?: number; stdout?: string };
    code = typeof err.code === 'number' ? err.code : -1;
    stdout = err.stdout ?? '';
  }
  return { code, report: statusReportSchema.parse(JSON.parse(stdout)) };
}

/** Event mode's whole read (src/host/gather.ts eventGather), in the transport's kept shell as the poller runs it. */
const eventRead = (h = host()) => fetchHostStatus(rt.transport, h, { events: { sections: new Map() } });
/** What the screen shows of a status, but the counters (load, memory, CPU, usage) that move between two reads. */
const shown = (hs: HostStatus) => ({
  state: hs.system.state,
  failed: hs.system.failedUnits,
  pools: hs.pools.map((p) => [p.name, p.health]),
  storageUnit: hs.storageUnit,
  vms: hs.vms.map((v) => [v.name, v.active, v.sub, v.since, v.restarts, v.autostart, v.result, v.runner, v.current, v.booted, v.outdated, v.bridge, v.snapshots, v.newestSnapshot]),
});
const FAILED_UNIT = 'mvm-labtest-failed.service';

const autostarted = ['vm1', 'vm2', 'vm3'];
const healthy = (hs: HostStatus) => hs.reachable && autostarted.every((n) => vmProblems(vm(hs, n)).length === 0);

async function restore(): Promise<void> {
  await sh(`systemctl reset-failed ${FAILED_UNIT} >/dev/null 2>&1; true`);
  await sh('labctl fix-runner vm5 >/dev/null 2>&1; true');
  const cur = await sh('readlink /var/lib/microvms/vm3/current || true');
  if (vm3Current && cur !== vm3Current) await sh(shJoin(['ln', '-sfn', vm3Current, '/var/lib/microvms/vm3/current']));
  await sh('systemctl start microvm@vm1 microvm@vm2 microvm@vm3');
  // A VM whose runner was swapped while it ran is restarted onto the current one.
  const hs = await fetchHostStatus(rt.transport, host());
  const outdated = autostarted.filter((n) => vm(hs, n).outdated);
  if (outdated.length) await sh(shJoin(['systemctl', 'restart', ...outdated.map((n) => `microvm@${n}`)]));
}

describe.skipIf(!existsSync(INVENTORY))('status on the lab hypervisor', () => {
  beforeAll(async () => {
    rt = await openRuntime({ config: INVENTORY, readOnly: false, demo: false, acceptNew: false });
    vm3Current = (await sh('readlink /var/lib/microvms/vm3/current || true')) || null;
    await restore();
  });

  afterAll(async () => {
    if (!rt) return;
    await restore();
    await until(healthy, 15_000);
    await rt.close();
  });

  it('baseline: autostarted VMs running with runner, bridge and ssh; pools online; status exits 0', async () => {
    const { hs } = await until((s) => healthy(s) && autostarted.every((n) => vm(s, n).reachable === true), 20_000, true);
    expect(hs.reachable).toBe(true);
    expect(hs.system.state).toBe('running');
    expect(hs.pools.find((p) => p.name === 'microvms')?.health).toBe('ONLINE');
    expect(hs.storageUnit?.active).toBe('active');
    for (const n of autostarted) {
      expect(vm(hs, n)).toMatchObject({ active: 'active', sub: 'running', runner: 'present', outdated: false, bridge: 'up', reachable: true, autostart: true });
      expect(vm(hs, n).snapshots).toBeGreaterThan(0);
    }
    expect(vm(hs, 'vm4')).toMatchObject({ autostart: false, runner: 'present' });
    expect(shown(await eventRead())).toEqual(shown(hs));
    const { code, report } = await cliJson();
    expect(report.hosts[0]?.vms.filter((v) => autostarted.includes(v.name)).map((v) => [v.name, v.active, v.runner, v.outdated, v.bridge])).toEqual(
      autostarted.map((n) => [n, 'active', 'present', false, 'up']),
    );
    expect(code).toBe(0);
  });

  it('sees a stopped VM, a crash, a flipped runner and a missing runner within the budget, in both paths', async () => {
    const before = await fetchHostStatus(rt.transport, host());
    const restarts = vm(before, 'vm1').restarts ?? 0;

    await sh('systemctl stop microvm@vm2');
    const stopped = await until((s) => vm(s, 'vm2').active === 'inactive' && vm(s, 'vm2').bridge === 'no-carrier');
    expect(vm(stopped.hs, 'vm2')).toMatchObject({ active: 'inactive', sub: 'dead', bridge: 'no-carrier', booted: null });
    expect(stopped.ms).toBeLessThan(BUDGET_MS);

    await sh('labctl crash vm1');
    const crashed = await until((s) => (vm(s, 'vm1').restarts ?? 0) > restarts, 10_000 * LAB_SLOW);
    expect(vm(crashed.hs, 'vm1').restarts).toBeGreaterThan(restarts);

    await sh('labctl flip vm3');
    const flipped = await until((s) => vm(s, 'vm3').outdated === true);
    expect(vm(flipped.hs, 'vm3')).toMatchObject({ outdated: true, active: 'active' });
    expect(vm(flipped.hs, 'vm3').current).not.toBe(vm(flipped.hs, 'vm3').booted);
    expect(flipped.ms).toBeLessThan(BUDGET_MS);

    await sh('labctl break-runner vm5');
    const broken = await until((s) => vm(s, 'vm5').runner === 'missing');
    expect(vm(broken.hs, 'vm5')).toMatchObject({ runner: 'missing', current: null });
    expect(broken.ms).toBeLessThan(BUDGET_MS);

    const { code, report } = await cliJson();
    const vms = new Map(report.hosts[0]!.vms.map((v) => [v.name, v]));
    expect(vms.get('vm2')).toMatchObject({ active: 'inactive', bridge: 'no-carrier', reachable: false });
    expect(vms.get('vm1')!.restarts).toBeGreaterThan(restarts);
    expect(vms.get('vm3')).toMatchObject({ outdated: true });
    expect(vms.get('vm5')).toMatchObject({ runner: 'missing' });
    expect(code).toBe(1);

    // Event mode's whole read, in the kept shell that read the baseline (its runner links saved then), sees the same.
    const polled = await fetchHostStatus(rt.transport, host());
    expect(shown(await eventRead())).toEqual(shown(polled));
    // A failed unit degrades the system: only then does that read list the failed units.
    await sh(`systemd-run --unit=${FAILED_UNIT} --quiet false; sleep 1`);
    const degraded = await eventRead();
    expect(degraded.system).toMatchObject({ state: 'degraded', failedUnits: [FAILED_UNIT] });
    expect(shown(degraded)).toEqual(shown(await fetchHostStatus(rt.transport, host())));
    // A bridge that does not exist.
    const noBridge = { ...host(), vms: host().vms.map((v) => (v.name === 'vm4' ? { ...v, bridge: 'mvm-nobr0' } : v)) };
    expect(vm(await eventRead(noBridge), 'vm4').bridge).toBe('missing');
    expect(vm(await fetchHostStatus(rt.transport, noBridge), 'vm4').bridge).toBe('missing');
  }, 60_000 * LAB_SLOW);
});
