import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ReadOnlyError } from '../../src/services/guard.js';
import { listingFromProps } from '../../src/model/snapshots.js';
import { parseZfsGet } from '../../src/parsers/zfs-get.js';
import { mutations, setup, zfsGet } from './snapshots-setup.js';

describe('listing', () => {
  it('reads real OpenZFS output: datasets, the snapshot with its creation time and sizes', () => {
    const text = readFileSync(new URL('../fixtures/zfs/get-Hp-t-fs-vol-snap-o-name-property-value-source-all.txt', import.meta.url), 'utf8');
    const l = listingFromProps('hv', 'storage01', parseZfsGet(text));
    expect(l.datasets.map((d) => d.name)).toEqual(['storage01', 'storage01/backup', 'storage01/storage']);
    const backup = l.datasets[1]!;
    expect(backup.snapshots).toHaveLength(1);
    const s = backup.snapshots[0]!;
    expect(s).toMatchObject({ name: 'deduped-and-cleaned', dataset: 'storage01/backup', used: 123904, referenced: 191156200448 });
    expect(new Date(s.createdAt).toISOString()).toBe('2026-04-22T01:14:33.000Z');
    expect(backup.snapshotsUsed).toBe(123904);
  });

  it('reads zfs-fuse output from the lab: every VM dataset, snapshots in ZFS order reversed when created in one second', () => {
    const text = readFileSync(new URL('../fixtures/zfs/lab-get-Hp-o-name-property-value-r-used-referenced-creation.txt', import.meta.url), 'utf8');
    const l = listingFromProps('lab', 'microvms', parseZfsGet(text));
    expect(l.datasets.map((d) => d.name)).toEqual(['microvms', 'microvms/storage', ...[1, 2, 3, 4, 5].map((i) => `microvms/storage/vm${i}`)]);
    const vm1 = l.datasets.find((d) => d.name === 'microvms/storage/vm1')!;
    expect(vm1.snapshots.map((s) => s.name)).toEqual(['20261124-0900', '20261122-0900', '20261120-0900']);
    expect(vm1.snapshots[2]).toMatchObject({ used: 90112, referenced: 1183744 });
    expect(vm1.snapshotsUsed).toBe(vm1.snapshots.reduce((n, s) => n + s.used, 0));
  });

  it('sorts newest first, keeping ZFS creation order for snapshots taken in the same second', () => {
    const text = zfsGet([
      ['p/storage/vm1', 900, 500, 100],
      ['p/storage/vm1@old', 10, 400, 1000],
      ['p/storage/vm1@same-a', 20, 450, 2000],
      ['p/storage/vm1@same-b', 30, 460, 2000],
      ['p/storage/vm1@new', 40, 500, 3000],
    ]);
    const d = listingFromProps('hv', 'p/storage/vm1', parseZfsGet(text)).datasets[0]!;
    expect(d.snapshots.map((s) => s.name)).toEqual(['new', 'same-b', 'same-a', 'old']);
    expect(d.snapshotsUsed).toBe(100);
    expect(d.used).toBe(900);
  });

  it('survives garbage and truncated lines', () => {
    const l = listingFromProps('hv', 'p', parseZfsGet('garbage\np/x@a\tused\nnot\ta\tnumber\tline\np/x@b\tused\tNaN\n'));
    expect(l.datasets.find((d) => d.name === 'p/x')?.snapshots.map((s) => s.used)).toEqual([0]);
  });

  it('lists a VM dataset or the whole pool of a host', async () => {
    const { svc, transport } = setup();
    transport.on('zfs get', { stdout: zfsGet([['microvms', 1, 1, 1]]) });
    await svc.list('hv', 'microvms/storage/vm1');
    await svc.list('hv');
    expect(transport.sent.map((s) => s.command)).toEqual([
      'zfs get -H -p -o name,property,value -r used,referenced,creation microvms/storage/vm1',
      'zfs get -H -p -o name,property,value -r used,referenced,creation microvms',
    ]);
  });

  it('reports a failing zfs with the host and zfs\'s own message', async () => {
    const { svc, transport } = setup();
    transport.on('zfs get', { code: 1, stderr: "cannot open 'microvms/storage/vm1': dataset does not exist\n" });
    await expect(svc.list('hv', 'microvms/storage/vm1')).rejects.toThrow("hv: cannot open 'microvms/storage/vm1': dataset does not exist");
  });
});

describe('errors', () => {
  it('never shows stdout data as the error; names the exit status or a dropped command', async () => {
    const { svc, transport } = setup();
    transport.on('zfs get', { code: 1, stdout: 'microvms\tused\t1\n' });
    await expect(svc.list('hv')).rejects.toThrow(/^hv: exit status 1$/);
    transport.on('zfs get', { code: null, stdout: 'microvms\tused\t1\n' });
    await expect(svc.list('hv')).rejects.toThrow('hv: the command did not finish (connection dropped or timed out)');
  });
});

describe('create', () => {
  const existing = zfsGet([
    ['microvms/storage/vm1', 1, 1, 1],
    ['microvms/storage/vm1@20261126-1200', 1, 1, 1],
  ]);

  it('names a snapshot like the seed (UTC) and adds a suffix when that name exists', async () => {
    const { svc, transport, audit } = setup();
    transport.on('zfs get', { stdout: existing }).on('zfs snapshot', { code: 0 });
    expect(await svc.create('hv', 'vm1')).toBe('microvms/storage/vm1@20261126-1200-2');
    expect(mutations(transport)).toEqual(['zfs snapshot microvms/storage/vm1@20261126-1200-2']);
    expect(audit.entries[0]).toMatchObject({ action: 'snapshot.create', outcome: 'ok', target: 'microvms/storage/vm1@20261126-1200-2' });
  });

  it('takes a typed name, and refuses one that exists without running anything', async () => {
    const { svc, transport } = setup();
    transport.on('zfs get', { stdout: existing }).on('zfs snapshot', { code: 0 });
    expect(await svc.create('hv', 'vm1', 'before-upgrade')).toBe('microvms/storage/vm1@before-upgrade');
    await expect(svc.create('hv', 'vm1', '20261126-1200')).rejects.toThrow(/already exists/);
    expect(mutations(transport)).toEqual(['zfs snapshot microvms/storage/vm1@before-upgrade']);
  });

  it.each(['x; reboot', '$(reboot)', 'a\nb', 'a@@b', '-rf'])('refuses the hostile name %j and sends nothing', async (name) => {
    const { svc, transport, audit } = setup();
    transport.on('zfs', { code: 0 });
    await expect(svc.create('hv', 'vm1', name)).rejects.toThrow(/invalid ZFS name/);
    expect(transport.sent).toEqual([]);
    expect(audit.entries).toEqual([]);
  });

  it('snapshots the whole host storage recursively, avoiding names taken anywhere below it', async () => {
    const { svc, transport } = setup();
    transport.on('zfs get', { stdout: zfsGet([['microvms/storage', 1, 1, 1], ['microvms/storage/vm4@20261126-1200', 1, 1, 1]]) }).on('zfs snapshot', { code: 0 });
    expect(await svc.createRecursive('hv')).toBe('microvms/storage@20261126-1200-2');
    expect(mutations(transport)).toEqual(['zfs snapshot -r microvms/storage@20261126-1200-2']);
  });

  it('is refused in read-only mode at the service layer, and the refusal is audited', async () => {
    const { svc, transport, audit } = setup({ readOnly: true });
    transport.on('zfs get', { stdout: existing }).on('zfs snapshot', { code: 0 });
    await expect(svc.create('hv', 'vm1')).rejects.toBeInstanceOf(ReadOnlyError);
    expect(mutations(transport)).toEqual([]);
    expect(audit.entries).toMatchObject([{ action: 'snapshot.create', outcome: 'refused' }]);
  });
});

describe('destroy', () => {
  it('destroys several snapshots, one audited command each', async () => {
    const { svc, transport, audit } = setup();
    transport.on('zfs destroy', { code: 0 });
    const r = await svc.destroy('hv', 'vm1', ['a', 'b']);
    expect(r.every((x) => x.ok)).toBe(true);
    expect(mutations(transport)).toEqual(['zfs destroy microvms/storage/vm1@a', 'zfs destroy microvms/storage/vm1@b']);
    expect(audit.entries.map((e) => e.target)).toEqual(['microvms/storage/vm1@a', 'microvms/storage/vm1@b']);
  });

  it('destroys nothing when one name of the list is invalid', async () => {
    const { svc, transport } = setup();
    transport.on('zfs destroy', { code: 0 });
    await expect(svc.destroy('hv', 'vm1', ['a', 'b; zfs destroy -r microvms', 'c'])).rejects.toThrow(/invalid ZFS name/);
    expect(transport.sent).toEqual([]);
  });

  it('reports a failed destroy per snapshot and goes on with the rest', async () => {
    const { svc, transport } = setup();
    transport.on('zfs destroy', { code: 0 }).on('@a', { code: 1, stderr: "cannot destroy 'microvms/storage/vm1@a': snapshot has dependent clones\n" });
    const r = await svc.destroy('hv', 'vm1', ['a', 'b']);
    expect(r).toEqual([
      { full: 'microvms/storage/vm1@a', ok: false, error: "hv: cannot destroy 'microvms/storage/vm1@a': snapshot has dependent clones" },
      { full: 'microvms/storage/vm1@b', ok: true },
    ]);
  });

  it('names the clones that keep a snapshot, and says a held one is held (OpenZFS 2.3.2\'s real refusals)', async () => {
    const { svc, transport } = setup();
    // the captures end with the exit status capture-fixtures.sh appended
    const stderr = (f: string) => readFileSync(new URL(`../fixtures/zfs/${f}`, import.meta.url), 'utf8').replace(/exit 1\n$/, '');
    transport
      .on('zfs destroy', { code: 0 })
      .on('@cloned', { code: 1, stderr: stderr('vm-destroy-cloned-snapshot-stderr.txt') })
      .on('@held', { code: 1, stderr: stderr('vm-destroy-held-snapshot-stderr.txt') });
    const [c, h] = await svc.destroy('hv', 'vm1', ['cloned', 'held']);
    expect(c?.error).toBe("hv: cannot destroy 'microvms/storage/vm3@20261120-0900': snapshot has dependent clones (microvms/storage/vm3-clone)");
    expect(h?.error).toMatch(/^hv: cannot destroy snapshot microvms\/storage\/vm2@20261120-0900: it's being held\. Run 'zfs holds -r /);
  });

  it('is refused in read-only mode', async () => {
    const { svc, transport } = setup({ readOnly: true });
    transport.on('zfs destroy', { code: 0 });
    await expect(svc.destroy('hv', 'vm1', ['a'])).rejects.toBeInstanceOf(ReadOnlyError);
    expect(transport.sent).toEqual([]);
  });
});

describe('diff', () => {
  it('returns the changed paths where zfs diff exists', async () => {
    const { svc, transport } = setup();
    transport.on('zfs diff', { stdout: 'M\t/var/lib/microvms/vm1/\n+\t/var/lib/microvms/vm1/marker\n' });
    expect(await svc.diff('hv', 'vm1', 'a')).toEqual({ supported: true, lines: ['M\t/var/lib/microvms/vm1/', '+\t/var/lib/microvms/vm1/marker'] });
    expect(transport.sent[0]?.command).toBe('zfs diff -H microvms/storage/vm1@a');
  });

  it('says "not supported by this ZFS" when the host\'s zfs has no diff (zfs-fuse\'s real answer)', async () => {
    const { svc, transport } = setup();
    const stderr = readFileSync(new URL('../fixtures/zfs/lab-diff-unsupported-stderr.txt', import.meta.url), 'utf8');
    transport.on('zfs diff', { code: 2, stderr });
    expect(await svc.diff('hv', 'vm1', 'a')).toMatchObject({ supported: false, message: 'zfs diff is not supported by this ZFS on hv' });
  });

  it('still fails loudly on a real diff error', async () => {
    const { svc, transport } = setup();
    transport.on('zfs diff', { code: 1, stderr: "cannot open 'microvms/storage/vm1@zz': dataset does not exist\n" });
    await expect(svc.diff('hv', 'vm1', 'zz')).rejects.toThrow(/dataset does not exist/);
  });
});
