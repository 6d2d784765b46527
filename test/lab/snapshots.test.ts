import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shJoin } from '../../src/host/quote.js';
import { describeRollback, type RollbackResult } from '../../src/model/rollback.js';
import { executeRollback, planRollback } from '../../src/services/rollback.js';
import { openRuntime, type Runtime } from '../../src/services/runtime.js';
import { SnapshotService } from '../../src/services/snapshots.js';
import { labRun } from './paths.js';

// Against the lab hypervisor (real sshd, systemd, zfs-fuse or, in lab v2, OpenZFS 2.3): create, list, rollback that keeps the old state
// and stops/starts the VM, destroy, a hostile name refused. Run: npm run test:lab (after npm run lab:up).
// Everything made here is removed again, and vm4 is left running or stopped as it was found.

const INVENTORY = labRun('inventory.yaml');
const HOST = 'lab';
const VM = 'vm4';
const D = 'microvms/storage/vm4';
const MP = '/var/lib/microvms/vm4';
const UNIT = 'microvm@vm4';
const tag = randomBytes(3).toString('hex');

let rt: Runtime;
let svc: SnapshotService;
let wasActive = false;
const made: string[] = [];
let rolled: RollbackResult | undefined;
let recursive: string | undefined;
let recursive2: string | undefined;

const sh = async (command: string) => {
  const r = await rt.transport.exec({ host: HOST }, command);
  return { ...r, out: r.stdout.trim() };
};
const snapNames = async () => (await svc.list(HOST, D)).datasets.find((d) => d.name === D)?.snapshots.map((s) => s.name) ?? [];
const invocation = async () => (await sh(shJoin(['systemctl', 'show', UNIT, '-p', 'InvocationID', '--value']))).out;

describe.skipIf(!existsSync(INVENTORY))('snapshots on the lab hypervisor', () => {
  beforeAll(async () => {
    rt = await openRuntime({ config: INVENTORY, readOnly: false, demo: false, acceptNew: false });
    svc = new SnapshotService({ inventory: rt.inventory, transport: rt.transport, guard: rt.guard });
    wasActive = await svc.unitActive(HOST, UNIT);
  });

  afterAll(async () => {
    if (!rt) return;
    // Undo the rollback the way docs/snapshots-and-rollback.md ("Undoing a rollback") describes, which also proves the old state is whole.
    if (rolled) {
      const P = rolled.plan.preserved;
      const R = `${D}-rolled-${tag}`;
      const steps = [
        shJoin(['systemctl', 'stop', UNIT]),
        shJoin(['zfs', 'umount', D]),
        shJoin(['zfs', 'rename', D, R]),
        shJoin(['zfs', 'umount', P]),
        shJoin(['zfs', 'set', `mountpoint=${MP}`, P]),
        shJoin(['zfs', 'rename', P, D]),
        shJoin(['zfs', 'mount', D]),
        shJoin(['zfs', 'promote', D]),
        shJoin(['zfs', 'destroy', '-r', R]),
        shJoin(['rmdir', rolled.plan.preservedMountpoint]),
      ];
      for (const c of steps) {
        const r = await sh(c);
        if (r.code !== 0) console.error(`lab restore: ${c}: ${r.stderr}`);
      }
    }
    for (const r of [recursive, recursive2]) if (r) await sh(shJoin(['zfs', 'destroy', '-r', r]));
    await sh(`rm -f ${MP}/marker-${tag}`);
    for (const s of await snapNames()) if (s.includes(tag) || made.includes(s)) await sh(shJoin(['zfs', 'destroy', `${D}@${s}`]));
    await sh(shJoin(['systemctl', wasActive ? 'start' : 'stop', UNIT]));
    await rt.close();
  });

  it('creates a snapshot with a typed name and one with the seed-style default name; lists them newest first', async () => {
    const typed = await svc.create(HOST, VM, `lab-${tag}`);
    made.push(typed.split('@')[1]!);
    const auto = await svc.create(HOST, VM);
    const autoName = auto.split('@')[1]!;
    made.push(autoName);
    expect(autoName).toMatch(/^\d{8}-\d{4}(-\d+)?$/);
    const names = await snapNames();
    expect(names.indexOf(autoName)).toBeLessThan(names.indexOf(`lab-${tag}`));
    expect(names).toContain('20261120-0900'); // the lab's own, oldest, last
    expect(names.at(-1)).toBe('20261120-0900');
    const ds = (await svc.list(HOST)).datasets.find((d) => d.name === D)!;
    expect(ds.snapshots.length).toBe(names.length);
    expect(ds.referenced).toBeGreaterThan(0);
  });

  it('snapshots the whole host storage recursively: every VM dataset gets the same name', async () => {
    const full = await svc.createRecursive(HOST);
    recursive = full;
    const name = full.split('@')[1]!;
    expect(full).toBe(`microvms/storage@${name}`);
    const l = await svc.list(HOST, 'microvms/storage');
    for (const i of [1, 2, 3, 4, 5]) expect(l.datasets.find((d) => d.name === `microvms/storage/vm${i}`)?.snapshots.map((x) => x.name)).toContain(name);
    // taken now (as is the VM snapshot of the first test, in the same minute): the next one gets a suffix
    const base = /^\d{8}-\d{4}/.exec(name)![0];
    recursive2 = await svc.createRecursive(HOST);
    expect(recursive2).toMatch(new RegExp(`^microvms/storage@${base}-\\d+$`));
    expect(recursive2).not.toBe(full);
  });

  it('refuses a hostile name and creates nothing on the host', async () => {
    const before = await snapNames();
    for (const bad of [`x; touch /tmp/pwned-${tag}`, `$(touch /tmp/pwned-${tag})`, 'a@@b', '-rf', 'a\nb']) {
      await expect(svc.create(HOST, VM, bad)).rejects.toThrow(/invalid ZFS name/);
    }
    expect(await snapNames()).toEqual(before);
    expect((await sh(`ls /tmp/pwned-${tag}`)).code).not.toBe(0);
  });

  it('says zfs diff is not supported by zfs-fuse; on OpenZFS (lab v2) lists the changes', async () => {
    const openzfs = (await sh('zfs version')).code === 0;
    const d = await svc.diff(HOST, VM, `lab-${tag}`);
    if (openzfs) expect(d).toMatchObject({ supported: true, lines: expect.any(Array) });
    else expect(d).toMatchObject({ supported: false, message: expect.stringMatching(/not supported by this ZFS/) });
  });

  it('rolls back with the VM stopped and started around it, keeping the old state and the newer snapshot', async () => {
    if (!(await svc.unitActive(HOST, UNIT))) await sh(shJoin(['systemctl', 'start', UNIT]));
    expect(await svc.unitActive(HOST, UNIT)).toBe(true);
    const target = `lab-${tag}`;
    expect((await sh(`echo ${tag} > ${MP}/marker-${tag}`)).code).toBe(0);
    const newer = await svc.create(HOST, VM, `lab-${tag}-newer`);
    made.push(newer.split('@')[1]!);
    const before = await invocation();

    const plan = await planRollback(svc, HOST, VM, target);
    expect(plan.newer.map((s) => s.name)).toContain(`lab-${tag}-newer`);
    rolled = await executeRollback(svc, plan);
    expect(rolled.warnings).toEqual([]);
    expect(rolled).toMatchObject({ stopped: true, started: true });
    expect(describeRollback(rolled)).toContain(plan.preserved);

    // The dataset is at the target: the marker written after it is gone, the runner links are there.
    expect((await sh(`cat ${MP}/marker-${tag}`)).code).not.toBe(0);
    expect((await sh(`readlink ${MP}/current`)).out).toMatch(/^\/nix\/store\//);
    // The old state and the newer snapshot live on, under the recognisable name, mounted beside it.
    expect((await sh(`cat ${plan.preservedMountpoint}/marker-${tag}`)).out).toBe(tag);
    expect((await svc.list(HOST, plan.preserved)).datasets[0]?.snapshots.map((s) => s.name)).toEqual(plan.newer.map((s) => s.name));
    // Promoted: the target and older snapshots belong to the rolled-back dataset again.
    const now = await snapNames();
    expect(now[0]).toBe(target);
    expect(now).toContain('20261120-0900');
    // A new systemd invocation: the VM was stopped and started, and runs.
    expect(await svc.unitActive(HOST, UNIT)).toBe(true);
    expect(await invocation()).not.toBe(before);
    // The audit log says where the old state is.
    const last = (await rt.audit.read()).filter((e) => e.action === 'snapshot.rollback').at(-1);
    expect(last).toMatchObject({ outcome: 'ok', target: `${D}@${target}` });
    expect(last?.detail).toContain(plan.preserved);
  });

  it('destroys several snapshots at once, and never a dataset', async () => {
    await svc.create(HOST, VM, `lab-${tag}-d1`);
    await svc.create(HOST, VM, `lab-${tag}-d2`);
    const r = await svc.destroy(HOST, VM, [`lab-${tag}-d1`, `lab-${tag}-d2`]);
    expect(r.map((x) => x.ok)).toEqual([true, true]);
    const names = await snapNames();
    expect(names).not.toContain(`lab-${tag}-d1`);
    expect(names).not.toContain(`lab-${tag}-d2`);
    await expect(svc.destroy(HOST, VM, [''])).rejects.toThrow(/invalid ZFS name/);
    expect((await sh(shJoin(['zfs', 'list', '-H', '-o', 'name', D]))).out).toBe(D);
  });
});
