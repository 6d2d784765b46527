import { describe, expect, test } from 'vitest';
import { parseZfsGet } from '../../src/parsers/index.js';
import { demoHost } from './helpers.js';

// ZFS on the demo host: the semantics the app relies on, with zfs's own messages.

const snaps = async (sh: (c: string) => Promise<{ stdout: string }>, ds: string) =>
  [...parseZfsGet((await sh(`zfs get -H -p -o name,property,value -r creation ${ds}`)).stdout).keys()].filter((n) => n.includes('@')).map((n) => n.split('@')[1]);

describe('demo zfs', () => {
  test('the seed-like snapshot history: nightly YYYYMMDD-0200 for a week, newest last', async () => {
    const { sh } = demoHost();
    const s = await snaps(sh, 'microvms/storage/vm2');
    expect(s).toEqual(['20261119-0200', '20261120-0200', '20261121-0200', '20261122-0200', '20261123-0200', '20261124-0200', '20261125-0200']);
  });

  test('snapshot takes a moment, appears in the listing, and a duplicate is refused as zfs does', async () => {
    const { clock, shell, sh } = demoHost();
    const p = shell.capture('zfs snapshot microvms/storage/vm1@20261126-1200');
    await clock.advance(100);
    expect(await snaps(sh, 'microvms/storage/vm1')).not.toContain('20261126-1200');
    expect((await clock.run(p)).code).toBe(0);
    expect((await snaps(sh, 'microvms/storage/vm1')).at(-1)).toBe('20261126-1200');
    const again = await sh('zfs snapshot microvms/storage/vm1@20261126-1200');
    expect(again).toMatchObject({ code: 1, stderr: "cannot create snapshot 'microvms/storage/vm1@20261126-1200': dataset already exists\n" });
    const rec = await sh('zfs snapshot -r microvms/storage@all');
    expect(rec.code).toBe(0);
    expect((await sh('zfs list -H -o name -t snapshot -r microvms')).stdout.split('\n').filter((l) => l.endsWith('@all'))).toHaveLength(6);
  });

  test('rollback past newer snapshots needs -r, which destroys them and brings back the old content', async () => {
    const { sh } = demoHost({ crashy: false, outdated: false });
    await sh('systemctl stop microvm@vm4');
    await sh('cd /root/simple-microvm-infra && nix build .#nixosConfigurations.vm4.config.microvm.declaredRunner -o /var/lib/microvms/vm4/current');
    const updated = (await sh('readlink /var/lib/microvms/vm4/current')).stdout;
    const plain = await sh('zfs rollback microvms/storage/vm4@20261124-0200');
    expect(plain.code).toBe(1);
    expect(plain.stderr).toBe(
      "cannot rollback to 'microvms/storage/vm4@20261124-0200': more recent snapshots or bookmarks exist\nuse '-r' to force deletion of the following snapshots and bookmarks:\nmicrovms/storage/vm4@20261125-0200\nmicrovms/storage/vm4@before-upgrade\n",
    );
    expect((await sh('zfs rollback -r microvms/storage/vm4@20261124-0200')).code).toBe(0);
    expect((await snaps(sh, 'microvms/storage/vm4')).at(-1)).toBe('20261124-0200');
    // The runner link lives in the dataset: the update is undone with it.
    expect((await sh('readlink /var/lib/microvms/vm4/current')).stdout).not.toBe(updated);
  });

  test('a running VM keeps its dataset busy; stopped, it can be renamed aside and a clone takes its place', async () => {
    const { sh } = demoHost({ crashy: false });
    const busy = await sh('zfs umount microvms/storage/vm3');
    expect(busy).toMatchObject({ code: 1, stderr: "cannot unmount '/var/lib/microvms/vm3': pool or dataset is busy\n" });
    await sh('systemctl stop microvm@vm3');
    for (const c of [
      'zfs umount microvms/storage/vm3',
      'zfs rename microvms/storage/vm3 microvms/storage/vm3-pre-rollback-20261126-120000',
      'zfs mount microvms/storage/vm3-pre-rollback-20261126-120000',
      'zfs clone microvms/storage/vm3-pre-rollback-20261126-120000@20261123-0200 microvms/storage/vm3',
      'zfs promote microvms/storage/vm3',
    ]) expect(await sh(c), c).toMatchObject({ code: 0, stderr: '' });
    const props = parseZfsGet((await sh('zfs get -H -o name,property,value mounted,mountpoint,origin microvms/storage/vm3 microvms/storage/vm3-pre-rollback-20261126-120000')).stdout);
    expect(props.get('microvms/storage/vm3')).toEqual({ mounted: 'yes', mountpoint: '/var/lib/microvms/vm3', origin: '-' });
    expect(props.get('microvms/storage/vm3-pre-rollback-20261126-120000')!.origin).toBe('microvms/storage/vm3@20261123-0200');
    expect(await snaps(sh, 'microvms/storage/vm3')).toEqual(['20261119-0200', '20261120-0200', '20261121-0200', '20261122-0200', '20261123-0200']);
    expect((await sh('systemctl start microvm@vm3')).code).toBe(0);
    expect((await sh('systemctl is-active microvm@vm3')).stdout).toBe('active\n');
  });

  test('destroy: one snapshot, comma lists; a dataset only with -r; a snapshot with clones only with -R', async () => {
    const { sh } = demoHost();
    expect((await sh('zfs destroy microvms/storage/vm1@20261119-0200,20261120-0200')).code).toBe(0);
    expect(await snaps(sh, 'microvms/storage/vm1')).not.toContain('20261120-0200');
    const ds = await sh('zfs destroy microvms/storage/vm2');
    expect(ds.code).toBe(1);
    expect(ds.stderr).toMatch(/^cannot destroy 'microvms\/storage\/vm2': filesystem has children\nuse '-r' to destroy the following datasets:\nmicrovms\/storage\/vm2@/);
    await sh('zfs clone microvms/storage/vm1@20261125-0200 microvms/storage/scratch');
    const withClone = await sh('zfs destroy microvms/storage/vm1@20261125-0200');
    expect(withClone.stderr).toBe("cannot destroy 'microvms/storage/vm1@20261125-0200': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\nmicrovms/storage/scratch\n");
    expect((await sh('zfs destroy -nv microvms/storage/vm1@before-upgrade')).stdout).toBe('would destroy microvms/storage/vm1@before-upgrade\n');
    expect((await sh('zfs destroy microvms/storage/vm1@nope')).stderr).toBe('could not find any snapshots to destroy; check snapshot names.\n');
  });

  test('diff lists what changed since a snapshot; names with shell or zfs-illegal characters are refused', async () => {
    const { clock, sh } = demoHost({ crashy: false });
    await sh('zfs snapshot microvms/storage/vm1@now');
    await clock.advance(20_000);
    expect((await sh('zfs diff -H microvms/storage/vm1@now')).stdout).toBe('M\t/var/lib/microvms/vm1/\nM\t/var/lib/microvms/vm1/persist.img\n');
    const bad = await sh("zfs snapshot 'microvms/storage/vm1@x;reboot'");
    expect(bad).toMatchObject({ code: 1, stderr: "cannot open 'microvms/storage/vm1@x;reboot': invalid character ';' in name\n" });
  });
});
