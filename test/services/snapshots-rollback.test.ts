import { describe, expect, it } from 'vitest';
import { ReadOnlyError } from '../../src/services/guard.js';
import { describeRollback } from '../../src/model/rollback.js';
import { executeRollback, planRollback } from '../../src/services/rollback.js';
import { mutations, setup, zfsGet } from './snapshots-setup.js';

const D = 'microvms/storage/vm4';
const P = 'microvms/storage/vm4-pre-rollback-20261126-120030';
const listing = zfsGet([
  [D, 5000, 3000, 100],
  [`${D}@first`, 10, 1000, 1000],
  [`${D}@target`, 20, 2000, 2000],
  [`${D}@later`, 30, 2500, 3000],
  [`${D}@latest`, 40, 2800, 4000],
]);

function lab(opts: { mountpoint?: string; active?: string; readOnly?: boolean } = {}) {
  const s = setup({ readOnly: opts.readOnly });
  s.transport
    .on('zfs get -H -p', { stdout: listing })
    .on('mountpoint', { stdout: opts.mountpoint ?? '/var/lib/microvms/vm4\tinherited from microvms/storage\n' })
    .on('systemctl is-active', { stdout: `${opts.active ?? 'active'}\n`, code: opts.active === 'inactive' ? 3 : 0 })
    .on(/^zfs (umount|mount|rename|clone|promote|set) |^systemctl (stop|start) /, { code: 0 })
    // as zfs-fuse does: the renamed dataset stays unmounted, the clone is mounted at once
    .on(/^zfs get -H -o value mounted /, (cmd) => ({ stdout: cmd.endsWith(P) ? 'no\n' : 'yes\n' }));
  return s;
}

describe('rollback plan', () => {
  it('names what -r would destroy (the newer snapshots) and where they will be kept instead', async () => {
    const { svc } = lab();
    const plan = await planRollback(svc, 'hv', 'vm4', 'target');
    expect(plan.newer.map((s) => s.name)).toEqual(['latest', 'later']);
    expect(plan.preserved).toBe(P);
    expect(plan.preservedMountpoint).toBe('/var/lib/microvms/vm4-pre-rollback-20261126-120030');
    expect(plan).toMatchObject({ vmActive: true, unit: 'microvm@vm4', mountpointLocal: false });
  });

  it('refuses an unknown snapshot and a hostile name', async () => {
    const { svc, transport } = lab();
    await expect(planRollback(svc, 'hv', 'vm4', 'nope')).rejects.toThrow(`no snapshot ${D}@nope`);
    await expect(planRollback(svc, 'hv', 'vm4', 'x; reboot')).rejects.toThrow(/invalid ZFS name/);
    expect(mutations(transport)).toEqual([]);
  });
});

describe('rollback', () => {
  it('stops the VM, renames the dataset aside, clones the target back, promotes, starts the VM', async () => {
    const { svc, transport, audit } = lab();
    const r = await executeRollback(svc, await planRollback(svc, 'hv', 'vm4', 'target'));
    expect(mutations(transport)).toEqual([
      'systemctl stop microvm@vm4',
      `zfs umount ${D}`,
      `zfs rename ${D} ${P}`,
      `zfs clone ${P}@target ${D}`,
      `zfs mount ${P}`,
      `zfs promote ${D}`,
      'systemctl start microvm@vm4',
    ]);
    expect(r).toMatchObject({ stopped: true, started: true, warnings: [] });
    expect(mutations(transport).some((c) => /^zfs (rollback|destroy)/.test(c))).toBe(false);
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]).toMatchObject({ action: 'snapshot.rollback', outcome: 'ok', target: `${D}@target` });
    expect(audit.entries[0]?.detail).toContain(P);
    expect(describeRollback(r)).toContain(`kept in ${P}`);
    expect(describeRollback(r)).toContain('@latest, @later');
  });

  it('moves a local mountpoint aside and gives the original path to the clone', async () => {
    const { svc, transport } = lab({ mountpoint: '/var/lib/microvms/vm4\tlocal\n' });
    await executeRollback(svc, await planRollback(svc, 'hv', 'vm4', 'target'));
    expect(mutations(transport)).toEqual([
      'systemctl stop microvm@vm4',
      `zfs umount ${D}`,
      `zfs rename ${D} ${P}`,
      `zfs set mountpoint=/var/lib/microvms/vm4-pre-rollback-20261126-120030 ${P}`,
      `zfs clone -o mountpoint=/var/lib/microvms/vm4 ${P}@target ${D}`,
      `zfs mount ${P}`,
      `zfs promote ${D}`,
      'systemctl start microvm@vm4',
    ]);
  });

  it('mounts nothing that is already mounted (a ZFS that mounts on rename or clone)', async () => {
    const { svc, transport } = lab();
    transport.on(/^zfs get -H -o value mounted /, { stdout: 'yes\n' });
    const r = await executeRollback(svc, await planRollback(svc, 'hv', 'vm4', 'target'));
    expect(mutations(transport).filter((c) => c.startsWith('zfs mount'))).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('mounts the rolled-back dataset when the clone did not', async () => {
    const { svc, transport } = lab();
    transport.on(/^zfs get -H -o value mounted /, { stdout: 'no\n' });
    await executeRollback(svc, await planRollback(svc, 'hv', 'vm4', 'target'));
    expect(mutations(transport)).toContain(`zfs mount ${D}`);
  });

  it('--keep-running touches no unit; a stopped VM is not started', async () => {
    for (const [opts, keepRunning] of [[{}, true], [{ active: 'inactive' }, false]] as const) {
      const { svc, transport } = lab(opts);
      const r = await executeRollback(svc, await planRollback(svc, 'hv', 'vm4', 'target'), { keepRunning });
      expect(mutations(transport).filter((c) => c.startsWith('systemctl'))).toEqual([]);
      expect(r.stopped).toBe(false);
    }
  });

  it('puts the dataset back and starts the VM again when the clone fails', async () => {
    const { svc, transport, audit } = lab({ mountpoint: '/var/lib/microvms/vm4\tlocal\n' });
    transport.on('zfs clone', { code: 1, stderr: "cannot create 'microvms/storage/vm4': out of space\n" });
    await expect(executeRollback(svc, await planRollback(svc, 'hv', 'vm4', 'target'))).rejects.toThrow(/rollback failed: hv: cannot create .*out of space; nothing changed/);
    expect(mutations(transport).slice(4)).toEqual([
      `zfs clone -o mountpoint=/var/lib/microvms/vm4 ${P}@target ${D}`,
      `zfs umount ${P}`,
      `zfs set mountpoint=/var/lib/microvms/vm4 ${P}`,
      `zfs rename ${P} ${D}`,
      `zfs mount ${D}`,
      'systemctl start microvm@vm4',
    ]);
    expect(audit.entries[0]?.outcome).toBe('failed');
  });

  it('tries the unmount again while the dataset is busy for a moment after the VM stopped', async () => {
    const { svc, transport } = lab();
    let refused = 0;
    transport.on('zfs umount', () => (refused++ < 2 ? { code: 1, stderr: "cannot unmount '/var/lib/microvms/vm4': pool or dataset is busy\n" } : undefined));
    const r = await executeRollback(svc, await planRollback(svc, 'hv', 'vm4', 'target'));
    expect(r.warnings).toEqual([]);
    expect(mutations(transport).filter((c) => c.startsWith('zfs umount'))).toHaveLength(3);
  });

  it('changes nothing but restarts the VM when the dataset stays busy, and names the processes holding it', async () => {
    const { svc, transport } = lab();
    transport.on('zfs umount', { code: 1, stderr: "cannot unmount '/var/lib/microvms/vm4': pool or dataset is busy\n" });
    transport.on(/^sh -c .*find \/proc/, (cmd) => (cmd.endsWith(' /var/lib/microvms/vm4') ? { stdout: '812 bash\n930 tail\n' } : { code: 1 }));
    await expect(executeRollback(svc, await planRollback(svc, 'hv', 'vm4', 'target'))).rejects.toThrow(
      "rollback failed: hv: cannot unmount '/var/lib/microvms/vm4': pool or dataset is busy (held by bash (pid 812), tail (pid 930)); nothing changed",
    );
    const sent = mutations(transport);
    expect(sent.filter((c) => c.startsWith('zfs umount'))).toHaveLength(5);
    expect(sent.filter((c) => /^zfs (rename|clone|promote)/.test(c))).toEqual([]);
    expect(sent.at(-1)).toBe('systemctl start microvm@vm4');
  });

  it('tries the rename again while ZFS says the dataset is busy for a moment after the unmount', async () => {
    const { svc, transport } = lab();
    let refused = 0;
    transport.on('zfs rename', () => (refused++ < 2 ? { code: 1, stderr: `cannot rename '${D}': dataset is busy\n` } : undefined));
    const r = await executeRollback(svc, await planRollback(svc, 'hv', 'vm4', 'target'));
    expect(r.warnings).toEqual([]);
    expect(mutations(transport).filter((c) => c.startsWith('zfs rename'))).toHaveLength(3);
  });

  it('gives up on a rename that stays busy, and puts everything back', async () => {
    const { svc, transport } = lab();
    transport.on('zfs rename', { code: 1, stderr: `cannot rename '${D}': dataset is busy\n` });
    await expect(executeRollback(svc, await planRollback(svc, 'hv', 'vm4', 'target'))).rejects.toThrow(/dataset is busy; nothing changed/);
    expect(mutations(transport).filter((c) => c.startsWith('zfs rename'))).toHaveLength(5);
    expect(mutations(transport).slice(-2)).toEqual([`zfs mount ${D}`, 'systemctl start microvm@vm4']);
    // nothing holds files there (zfs-fuse's asynchronous release): the error says only what ZFS said
    await expect(executeRollback(svc, await planRollback(svc, 'hv', 'vm4', 'target'))).rejects.toThrow(/dataset is busy; nothing changed$/);
  });

  it('a failed promote is a warning: the data is rolled back, the preserved dataset cannot be destroyed yet', async () => {
    const { svc, transport, audit } = lab();
    transport.on('zfs promote', { code: 1, stderr: 'cannot promote: busy\n' });
    const r = await executeRollback(svc, await planRollback(svc, 'hv', 'vm4', 'target'));
    expect(r.warnings[0]).toMatch(/promote failed/);
    expect(r.started).toBe(true);
    expect(audit.entries[0]?.outcome).toBe('failed');
  });

  it('does not touch anything when the VM cannot be stopped', async () => {
    const { svc, transport } = lab();
    transport.on('systemctl stop', { code: 1, stderr: 'Failed to stop microvm@vm4.service: Access denied\n' });
    await expect(executeRollback(svc, await planRollback(svc, 'hv', 'vm4', 'target'))).rejects.toThrow(/Access denied/);
    expect(mutations(transport)).toEqual(['systemctl stop microvm@vm4']);
  });

  it('is refused in read-only mode before anything changes (the plan, a read, is allowed)', async () => {
    const { svc, transport, audit } = lab({ readOnly: true });
    const plan = await planRollback(svc, 'hv', 'vm4', 'target');
    await expect(executeRollback(svc, plan)).rejects.toBeInstanceOf(ReadOnlyError);
    expect(mutations(transport)).toEqual([]);
    expect(audit.entries[0]).toMatchObject({ outcome: 'refused', action: 'snapshot.rollback' });
  });
});
