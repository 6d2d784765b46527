import { describe, expect, it } from 'vitest';
import {
  datasetProblem,
  defaultSnapshotName,
  diffUnsupported,
  preservedDatasetName,
  snapshotNameProblem,
  splitSnapshot,
  uniqueSnapshotName,
  zfsCloneCmd,
  zfsDestroySnapshotCmd,
  zfsDiffCmd,
  zfsListCmd,
  zfsMountCmd,
  zfsUnmountCmd,
  zfsSetMountpointCmd,
  zfsSnapshotCmd,
  ZfsNameError,
} from '../../src/host/zfs.js';

describe('ZFS name grammar', () => {
  it.each(['20261126-1200', 'backup', 'pre.upgrade:2', 'a_b-c', 'x'])('accepts snapshot name %s', (n) => {
    expect(snapshotNameProblem(n, 'microvms/storage/vm1')).toBeUndefined();
  });

  it.each([
    ['x; reboot', /only letters/],
    ['$(reboot)', /only letters/],
    ['a\nb', /only letters/],
    ['a@@b', /no "@"/],
    ['-rf', /start with "-"/],
    ['', /empty/],
    ['..', /not names/],
    ['a/b', /no "\/"/],
    ['with space', /only letters/],
    ['%recv', /only letters/],
  ])('refuses snapshot name %j', (n, why) => {
    expect(snapshotNameProblem(n, 'microvms/storage/vm1')).toMatch(why);
  });

  it('refuses a dataset@snapshot longer than 255 characters, accepts 255', () => {
    const ds = 'microvms/storage/vm1';
    expect(snapshotNameProblem('a'.repeat(255 - ds.length - 1), ds)).toBeUndefined();
    expect(snapshotNameProblem('a'.repeat(256 - ds.length - 1), ds)).toMatch(/longer than 255/);
  });

  it.each(['microvms', 'microvms/storage/vm1', 'tank/a.b/c:d'])('accepts dataset %s', (d) => {
    expect(datasetProblem(d)).toBeUndefined();
  });

  it.each(['/microvms', 'microvms/', 'a//b', '1pool/x', 'pool/-x', 'pool/../x', 'pool@x', 'pool/x y'])('refuses dataset %j', (d) => {
    expect(datasetProblem(d)).toBeDefined();
  });

  it('splits a full snapshot name and refuses a dataset or the pool (no @)', () => {
    expect(splitSnapshot('microvms/storage/vm1@a')).toEqual({ dataset: 'microvms/storage/vm1', snapshot: 'a' });
    expect(() => splitSnapshot('microvms/storage/vm1')).toThrow(/never destroyed from here/);
    expect(() => splitSnapshot('microvms')).toThrow(ZfsNameError);
    expect(() => splitSnapshot('microvms/storage/vm1@a@b')).toThrow(ZfsNameError);
  });
});

describe('names made by the tool', () => {
  it('defaults to the seed format YYYYMMDD-HHMM in UTC', () => {
    expect(defaultSnapshotName(new Date('2026-11-26T09:05:59Z'))).toBe('20261126-0905');
    expect(defaultSnapshotName(new Date('2026-01-02T23:59:00-02:00'))).toBe('20260103-0159');
  });

  it('adds -2, -3 ... when the name exists', () => {
    expect(uniqueSnapshotName('20261126-0905', new Set())).toBe('20261126-0905');
    expect(uniqueSnapshotName('20261126-0905', new Set(['20261126-0905']))).toBe('20261126-0905-2');
    expect(uniqueSnapshotName('20261126-0905', new Set(['20261126-0905', '20261126-0905-2']))).toBe('20261126-0905-3');
  });

  it('names the preserved dataset recognisably, to the second', () => {
    expect(preservedDatasetName('microvms/storage/vm4', new Date('2026-11-26T13:04:05Z'))).toBe('microvms/storage/vm4-pre-rollback-20261126-130405');
  });
});

describe('command builders', () => {
  it('lists with exact numbers and without -t (zfs-fuse has no `zfs get -t`)', () => {
    expect(zfsListCmd('microvms/storage/vm1')).toBe('zfs get -H -p -o name,property,value -r used,referenced,creation microvms/storage/vm1');
  });

  it('builds snapshot, recursive snapshot, destroy, diff and clone', () => {
    expect(zfsSnapshotCmd('microvms/storage/vm1', '20261126-1200')).toBe('zfs snapshot microvms/storage/vm1@20261126-1200');
    expect(zfsSnapshotCmd('microvms/storage', 'n', { recursive: true })).toBe('zfs snapshot -r microvms/storage@n');
    expect(zfsDestroySnapshotCmd('microvms/storage/vm1@a')).toBe('zfs destroy microvms/storage/vm1@a');
    expect(zfsDiffCmd('microvms/storage/vm1@a')).toBe('zfs diff -H microvms/storage/vm1@a');
    expect(zfsCloneCmd('p/d-pre@a', 'p/d')).toBe('zfs clone p/d-pre@a p/d');
    expect(zfsCloneCmd('p/d-pre@a', 'p/d', '/var/lib/microvms/d')).toBe('zfs clone -o mountpoint=/var/lib/microvms/d p/d-pre@a p/d');
    expect(zfsUnmountCmd('p/d')).toBe('zfs umount p/d');
    expect(zfsMountCmd('p/d')).toBe('zfs mount p/d');
  });

  it('refuses hostile names before building anything', () => {
    expect(() => zfsSnapshotCmd('microvms/storage/vm1', 'x; reboot')).toThrow(/invalid ZFS name/);
    expect(() => zfsSnapshotCmd('microvms/storage/vm1', '$(touch /tmp/p)')).toThrow(ZfsNameError);
    expect(() => zfsDestroySnapshotCmd('microvms/storage/vm1')).toThrow(/no "@"/);
    expect(() => zfsDestroySnapshotCmd('microvms@x; rm -rf /')).toThrow(ZfsNameError);
    expect(() => zfsSetMountpointCmd('p/d', '/var/lib/$(x)')).toThrow(ZfsNameError);
    expect(() => zfsSetMountpointCmd('p/d', '/var/lib/../etc')).toThrow(ZfsNameError);
    expect(() => zfsCloneCmd('p/d@a', 'p/e', 'relative; reboot')).toThrow(ZfsNameError);
  });
});

describe('diffUnsupported', () => {
  it('recognises an unknown subcommand but not a real diff failure', () => {
    expect(diffUnsupported("unrecognized command 'diff'\nusage: zfs command args ...\n")).toBe(true);
    expect(diffUnsupported("cannot open 'microvms/storage/vm1@x': dataset does not exist\n")).toBe(false);
  });
});
