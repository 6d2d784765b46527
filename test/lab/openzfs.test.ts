import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_NAME_LEN } from '../../src/host/zfs.js';
import { shJoin } from '../../src/host/quote.js';
import { parseZpoolStatus } from '../../src/parsers/index.js';
import { executeRollback, planRollback } from '../../src/services/rollback.js';
import { openRuntime, type Runtime } from '../../src/services/runtime.js';
import { SnapshotService } from '../../src/services/snapshots.js';
import { fetchHostStatus } from '../../src/services/status.js';
import { labRun } from './paths.js';

// What only real OpenZFS shows (lab v2, MVM_LAB=vm: OpenZFS 2.3 in the VM's kernel; skipped on zfs-fuse):
// zfs diff, destroy refused for a held or cloned snapshot, names at ZFS's length limit, a rollback refused while
// the running VM holds its dataset (naming the processes), a DEGRADED pool with an OFFLINE or FAULTED side, a resilver
// and a scrub in progress, and permanent errors as the app reads them. Everything made here is removed again; labmirror is left ONLINE.

const INVENTORY = labRun('inventory.yaml');
const HOST = 'lab';
const P = '/var/lib/lab-pool';
const SUSPEND_SCAN = '/sys/module/zfs/parameters/zfs_scan_suspend_progress';
const tag = randomBytes(3).toString('hex');

let rt: Runtime;
let svc: SnapshotService;
let openzfs = false;

const sh = async (command: string) => {
  const r = await rt.transport.exec({ host: HOST }, command, { timeoutMs: 120_000 });
  return { ...r, out: r.stdout.trim() };
};
const ok = async (command: string) => {
  const r = await sh(command);
  if (r.code !== 0) throw new Error(`${command}: exit ${r.code}: ${r.stderr}`);
  return r.out;
};
const host = () => rt.inventory.hosts.find((h) => h.name === HOST)!;
const pool = async (name: string) => (await fetchHostStatus(rt.transport, host())).pools.find((p) => p.name === name);
const zstatus = async (name: string) => parseZpoolStatus(await ok(`zpool status -v ${name}`))[0]!;

describe.skipIf(!existsSync(INVENTORY))('real OpenZFS on the lab hypervisor (lab v2)', () => {
  beforeAll(async () => {
    rt = await openRuntime({ config: INVENTORY, readOnly: false, demo: false, acceptNew: false });
    svc = new SnapshotService({ inventory: rt.inventory, transport: rt.transport, guard: rt.guard });
    openzfs = (await sh('zfs version')).code === 0;
  });

  afterAll(async () => {
    if (!rt) return;
    if (openzfs) {
      await sh(`zpool destroy -f labbad-${tag} 2>/dev/null; rm -f ${P}/*-${tag}.img`);
      // what a failed test left: the hold, the clone and their snapshots
      const v5 = 'microvms/storage/vm5';
      await sh(`{ zfs release keep ${v5}@held-${tag}; zfs destroy ${v5}-clone-${tag}; zfs destroy ${v5}@held-${tag}; zfs destroy ${v5}@cloned-${tag}; } 2>/dev/null; true`);
      await sh(`echo 0 >${SUSPEND_SCAN}; zpool clear labmirror; zpool online labmirror ${P}/mirror-b.img; zpool wait -t resilver labmirror`);
      await sh(`zpool detach labmirror ${P}/mirror-c-${tag}.img; zfs destroy labmirror/fill-${tag}; rm -f ${P}/mirror-c-${tag}.img; true`);
    }
    await rt.close();
  });

  it('runs OpenZFS 2.3 as a kernel module', async ({ skip }) => {
    if (!openzfs) skip();
    expect(await ok('zfs version')).toMatch(/^zfs-2\.3\.\d+[\s\S]*zfs-kmod-2\.3\.\d+/);
  });

  it('lists what changed since a snapshot (zfs diff), through the snapshot service', async ({ skip }) => {
    if (!openzfs) skip();
    const full = await svc.create(HOST, 'vm5', `diff-${tag}`);
    await ok(`echo ${tag} >/var/lib/microvms/vm5/added-${tag} && sync`);
    const d = await svc.diff(HOST, 'vm5', full.split('@')[1]!);
    expect(d.supported).toBe(true);
    expect(d.lines).toContain(`+\t/var/lib/microvms/vm5/added-${tag}`); // -H: CHANGE<TAB>PATH
    await ok(`rm /var/lib/microvms/vm5/added-${tag}`);
    expect((await svc.destroy(HOST, 'vm5', [full.split('@')[1]!]))[0]?.ok).toBe(true);
  });

  it('refuses to destroy a snapshot that has a hold or a clone, saying why, and destroys nothing', async ({ skip }) => {
    if (!openzfs) skip();
    const held = (await svc.create(HOST, 'vm5', `held-${tag}`)).split('@')[1]!;
    const cloned = (await svc.create(HOST, 'vm5', `cloned-${tag}`)).split('@')[1]!;
    await ok(`zfs hold keep microvms/storage/vm5@${held} && zfs clone microvms/storage/vm5@${cloned} microvms/storage/vm5-clone-${tag}`);
    const [h, c] = await svc.destroy(HOST, 'vm5', [held, cloned]);
    expect(h).toMatchObject({ ok: false, error: expect.stringMatching(/dataset is busy|hold/) });
    expect(c).toMatchObject({ ok: false, error: expect.stringMatching(/dependent clones[\s\S]*vm5-clone-/) });
    const names = (await svc.list(HOST, 'microvms/storage/vm5')).datasets.flatMap((x) => x.snapshots.map((s) => s.name));
    expect(names).toEqual(expect.arrayContaining([held, cloned]));
    await ok(`zfs release keep microvms/storage/vm5@${held} && zfs destroy microvms/storage/vm5-clone-${tag}`);
    expect((await svc.destroy(HOST, 'vm5', [held, cloned])).map((r) => r.ok)).toEqual([true, true]);
  });

  it('takes a snapshot whose full name is exactly ZFS\'s limit, and refuses one character more before asking', async ({ skip }) => {
    if (!openzfs) skip();
    const prefix = 'microvms/storage/vm5@';
    const longest = 'n'.repeat(MAX_NAME_LEN - prefix.length);
    expect(await svc.create(HOST, 'vm5', longest)).toHaveLength(MAX_NAME_LEN);
    await expect(svc.create(HOST, 'vm5', `${longest}x`)).rejects.toThrow(/invalid ZFS name/);
    expect((await sh(shJoin(['zfs', 'snapshot', `${prefix}${longest}x`]))).stderr).toMatch(/name is too long/);
    expect((await svc.destroy(HOST, 'vm5', [longest]))[0]?.ok).toBe(true);
  });

  it('a rollback with --keep-running of a dataset the running VM holds: refused, nothing changed, the holders named', async ({ skip }) => {
    if (!openzfs) skip();
    if (!(await svc.unitActive(HOST, 'microvm@vm1'))) await ok('systemctl start microvm@vm1');
    const snaps = (await svc.list(HOST, 'microvms/storage/vm1')).datasets[0]!.snapshots;
    const plan = await planRollback(svc, HOST, 'vm1', snaps.at(-1)!.name);
    await expect(executeRollback(svc, plan, { keepRunning: true })).rejects.toThrow(
      /rollback failed: .*cannot unmount '\/var\/lib\/microvms\/vm1': pool or dataset is busy \(held by .*\(pid \d+\).*\); nothing changed/,
    );
    expect(await ok('zfs get -H -o value mounted microvms/storage/vm1')).toBe('yes');
    expect(await ok('zfs list -H -o name -r microvms/storage')).not.toContain('pre-rollback');
    expect(await svc.unitActive(HOST, 'microvm@vm1')).toBe(true);
  });

  it('shows a mirror with a side offline as DEGRADED, and a side forced faulted as FAULTED', async ({ skip }) => {
    if (!openzfs) skip();
    await ok(`zpool offline labmirror ${P}/mirror-b.img`);
    expect((await pool('labmirror'))?.health).toBe('DEGRADED');
    expect((await zstatus('labmirror')).vdevs[0]?.children[0]?.children.map((v) => v.state)).toEqual(['ONLINE', 'OFFLINE']);
    await ok(`zpool online labmirror ${P}/mirror-b.img && zpool offline -f labmirror ${P}/mirror-b.img`);
    expect((await pool('labmirror'))?.health).toBe('DEGRADED');
    expect((await zstatus('labmirror')).vdevs[0]?.children[0]?.children[1]?.state).toBe('FAULTED');
    await ok(`zpool clear labmirror; zpool online labmirror ${P}/mirror-b.img && zpool wait -t resilver labmirror`);
    expect((await pool('labmirror'))?.health).toBe('ONLINE');
  });

  it('reads a resilver in progress while a third file joins labmirror, then the pool ONLINE with its two sides', async ({ skip }) => {
    if (!openzfs) skip();
    const [a, b, c] = [`${P}/mirror-a.img`, `${P}/mirror-b.img`, `${P}/mirror-c-${tag}.img`];
    const fill = `labmirror/fill-${tag}`;
    // Data to copy, and the scan held where it is (zfs_scan_suspend_progress, a tunable of OpenZFS's own tests),
    // so the status is read mid-resilver however fast the copy would go.
    await ok(`zfs create -o mountpoint=${P}/fill-${tag} ${fill} && head -c 16M /dev/urandom >${P}/fill-${tag}/data && sync`);
    try {
      await ok(`echo 1 >${SUSPEND_SCAN} && truncate -s 128M ${c} && zpool attach labmirror ${a} ${c}`);
      const s = await zstatus('labmirror');
      expect(s.scan).toMatchObject({ kind: 'resilver', inProgress: true });
      expect(s.status).toMatch(/currently being resilvered/);
      expect(s.vdevs[0]?.children[0]?.children.map((v) => [v.name, v.state])).toEqual([[a, 'ONLINE'], [b, 'ONLINE'], [c, 'ONLINE']]);
      expect((await pool('labmirror'))?.health).toBe('ONLINE');
    } finally {
      await sh(`echo 0 >${SUSPEND_SCAN}; zpool wait -t resilver labmirror; zpool detach labmirror ${c}; rm -f ${c}; zfs destroy ${fill}`);
    }
    const after = await zstatus('labmirror');
    expect(after.scan).toMatchObject({ kind: 'resilver', inProgress: false });
    expect(after.vdevs[0]?.children[0]?.children.map((v) => v.name)).toEqual([a, b]);
    expect((await pool('labmirror'))?.health).toBe('ONLINE');
  });

  it('reads permanent errors after a file vdev was overwritten under its pool, then a scrub in progress', async ({ skip }) => {
    if (!openzfs) skip();
    // Debian ships no zinject: the damage is real, the file vdev overwritten while the pool is imported.
    const img = `${P}/bad-${tag}.img`;
    const name = `labbad-${tag}`;
    await ok(`truncate -s 128M ${img} && zpool create -f -m none -o failmode=continue ${name} ${img}`);
    await ok(`dd if=/dev/urandom of=${img} bs=1M seek=1 count=126 conv=notrunc status=none`);
    await sh(`zpool scrub -w ${name}`);
    const s = await zstatus(name);
    expect(s.errors.found).toBe(true);
    expect(s.errors.count).toBeGreaterThan(0);
    expect(s.vdevs[0]?.children[0]?.cksum).toBeGreaterThan(0);
    // held where it is, as the resilver above: on a quiet machine this scrub ended before the status was read
    await ok(`echo 1 >${SUSPEND_SCAN} && zpool scrub ${name}`);
    try {
      expect((await zstatus(name)).scan).toMatchObject({ kind: 'scrub', inProgress: true });
    } finally {
      await sh(`echo 0 >${SUSPEND_SCAN}; zpool scrub -s ${name}; zpool destroy -f ${name}; rm -f ${img}`);
    }
  });
});
