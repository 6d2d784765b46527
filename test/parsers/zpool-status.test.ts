import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseZpoolStatus, type ZpoolVdev } from '../../src/parsers/index.js';
import { fixture, fixtures } from './fixture.js';

const names = (vs: ZpoolVdev[]) => vs.map((v) => v.name);
const find = (vs: ZpoolVdev[], name: string): ZpoolVdev | undefined => {
  for (const v of vs) {
    if (v.name === name) return v;
    const c = find(v.children, name);
    if (c) return c;
  }
  return undefined;
};

describe('parseZpoolStatus on real output', () => {
  it('reads a healthy OpenZFS 2.x pool (tabs) with two mirrors, joined status/action lines and a finished scrub', () => {
    const [p, ...rest] = parseZpoolStatus(fixture('zpool/status-online-features-upgrade.txt'));
    expect(rest).toHaveLength(0);
    expect(p?.name).toBe('pool1');
    expect(p?.state).toBe('ONLINE');
    expect(p?.status).toBe('Some supported and requested features are not enabled on the pool. The pool can still be used, but some features are unavailable.');
    expect(p?.action).toMatch(/^Enable all features using 'zpool upgrade'\. Once this is done, the pool may .* for details\.$/);
    expect(p?.scan).toEqual({ kind: 'scrub', inProgress: false, text: 'scrub repaired 0B in 11:16:03 with 0 errors on Sun Feb 12 11:40:04 2023' });
    expect(names(p?.vdevs ?? [])).toEqual(['pool1']);
    expect(names(p?.vdevs[0]?.children ?? [])).toEqual(['mirror-0', 'mirror-1']);
    expect(names(p?.vdevs[0]?.children[1]?.children ?? [])).toEqual(['wwn-0x5000c500e39e8af6', 'wwn-0x5000c500e3b3a41e']);
    expect(p?.errors).toEqual({ count: 0, found: false, text: 'No known data errors' });
  });

  it('reads the legacy Solaris layout (spaces, " scrub:" line) with an UNAVAIL leaf and its note', () => {
    const [p] = parseZpoolStatus(fixture('zpool/status-degraded-unavail-legacy-solaris.txt'));
    expect(p?.state).toBe('DEGRADED');
    expect(p?.see).toBe('http://www.sun.com/msg/ZFS-8000-2Q');
    expect(p?.scan).toEqual({ kind: 'none', inProgress: false, text: 'none requested' });
    expect(find(p?.vdevs ?? [], 'c1t1d0')).toEqual({ name: 'c1t1d0', state: 'UNAVAIL', read: 0, write: 0, cksum: 0, note: 'cannot open', children: [] });
    expect(find(p?.vdevs ?? [], 'mirror-0')?.state).toBe('DEGRADED');
  });

  it('counts the files listed under permanent errors and reads non-zero counters', () => {
    const [p] = parseZpoolStatus(fixture('zpool/status-unavail-permanent-errors-legacy-solaris.txt'));
    expect(p?.state).toBe('UNAVAIL');
    expect(p?.scan.kind).toBe('scrub');
    expect(p?.vdevs[0]?.note).toBe('insufficient replicas');
    expect(find(p?.vdevs ?? [], 'c1t1d0')).toMatchObject({ read: 4, write: 1, cksum: 0, note: 'cannot open' });
    expect(p?.errors.count).toBe(3);
    expect(p?.errors.text).toContain('/tank/data/bbb');
  });

  it('reads a resilver in progress (continuation lines joined) and the spare tree of a dRAID pool', () => {
    const [p] = parseZpoolStatus(fixture('zpool/status-draid-resilver-spare-inuse-docs.txt'));
    expect(p?.scan.kind).toBe('resilver');
    expect(p?.scan.inProgress).toBe(true);
    expect(p?.scan.text).toMatch(/in progress since .* 326G resilvered, 57\.17% done, 00:03:21 to go$/);
    expect(names(p?.vdevs ?? [])).toEqual(['tank', 'spares']);
    const spare6 = find(p?.vdevs ?? [], 'spare-6');
    expect(names(spare6?.children ?? [])).toEqual(['sdg', 'draid1-0-0']);
    expect(spare6?.children[1]?.note).toBe('(resilvering)');
    expect(p?.vdevs[1]?.children[0]).toEqual({ name: 'draid1-0-0', state: 'INUSE', read: null, write: null, cksum: null, note: 'currently in use', children: [] });
  });

  it('keeps a class heading that ends in a tab (special) and the remove: section', () => {
    const [p] = parseZpoolStatus(fixture('zpool/status-online-removal-special-redacted.txt'));
    expect(names(p?.vdevs ?? [])).toEqual(['storage01', 'special']);
    expect(names(p?.vdevs[1]?.children ?? [])).toEqual(['mirror-4']);
    expect(p?.vdevs[0]?.children).toHaveLength(3);
    expect(p?.other.remove).toMatch(/^Removal of vdev 2 copied .* 7\.48M memory used for removed device mappings$/);
  });

  it('reads spares with AVAIL and no counters; a FreeBSD "was" note', () => {
    const [s] = parseZpoolStatus(fixture('zpool/status-online-spares-snipped.txt'));
    expect(s?.vdevs[1]).toMatchObject({ name: 'spares', state: '', children: [{ name: 'sdf', state: 'AVAIL', read: null }] });
    const [f] = parseZpoolStatus(fixture('zpool/status-degraded-unavail-was-freebsd.txt'));
    expect(find(f?.vdevs ?? [], '12897545936258916783')?.note).toBe('was /dev/gpt/ndisk2');
  });

  it('reads several pools in one output, in order', () => {
    const text = ['status-online-features-upgrade.txt', 'status-degraded-unavail-legacy-solaris.txt', 'status-online-removal-special-redacted.txt']
      .map((f) => fixture(`zpool/${f}`))
      .join('\n');
    expect(parseZpoolStatus(text).map((p) => [p.name, p.state])).toEqual([
      ['pool1', 'ONLINE'],
      ['tank', 'DEGRADED'],
      ['storage01', 'ONLINE'],
    ]);
  });

  it('returns no pools for `zpool status -x` when all are healthy, without an issue', () => {
    const issues: string[] = [];
    expect(parseZpoolStatus(fixture('zpool/status-x-all-healthy.txt'), issues)).toEqual([]);
    expect(issues).toEqual([]);
  });

  it('reads shortened counters 1024-based, as zfs_nicenum prints them', () => {
    // 686 checksum errors on the pool, 1.37K on the leaf: 1.37 * 1024 = 1403 (1000-based would say 1370)
    const [p] = parseZpoolStatus(fixture('zpool/status-v-permanent-errors-indented-1.37K-illumos.txt'));
    expect(find(p?.vdevs ?? [], '/tmp/tank/vdev3')).toMatchObject({ read: 0, write: 0, cksum: 1403, note: 'too many errors' });
    const text = fixture('zpool/status-degraded-unavail-legacy-solaris.txt').replace('UNAVAIL      0     0     0', 'UNAVAIL      0  2.04K     7');
    expect(find(parseZpoolStatus(text)[0]?.vdevs ?? [], 'c1t1d0')).toMatchObject({ read: 0, write: 2089, cksum: 7 });
  });

  it('counts permanent errors whose file list is indented by 8 spaces (OpenZFS, illumos)', () => {
    const [p] = parseZpoolStatus(fixture('zpool/status-v-permanent-errors-indented-1.37K-illumos.txt'));
    expect(p?.errors).toEqual({ count: 1, found: true, text: 'Permanent errors have been detected in the following files:\n/tank/file' });
  });

  it('says errors were found when OpenZFS 2.3 prints the permanent-errors heading with no list', () => {
    const [p] = parseZpoolStatus(fixture('zpool/status-v-permanent-errors-no-list-openzfs-2.3.txt'));
    expect(p?.errors.found).toBe(true);
    expect(p?.errors.count).not.toBe(0);
  });

  it('reads a never-scrubbed pool (OpenZFS 2.x prints no scan: line) as scan "none", and "N data errors"', () => {
    const [recv, send] = parseZpoolStatus(fixture('zpool/status-no-scan-data-errors-openzfs-2.3.txt'));
    expect(recv?.scan.kind).toBe('none');
    expect(recv?.errors).toMatchObject({ count: 0, found: false });
    expect(send?.scan.kind).toBe('none');
    expect(send?.errors).toMatchObject({ count: 3, found: true, text: "3 data errors, use '-v' for a list" });
    // cut before the config tree: not known to be unscrubbed
    expect(parseZpoolStatus(fixture('zpool/status-no-scan-data-errors-openzfs-2.3.txt').split('config:')[0]!)[0]?.scan.kind).toBe('unknown');
  });

  it('keeps both errors: lines of one pool', () => {
    // constructed: the count line followed by the -v heading and list of the real OpenZFS 2.3 / illumos outputs
    const text = `${fixture('zpool/status-no-scan-data-errors-openzfs-2.3.txt').split('  pool: send')[1]!.replace(/^/, '  pool: send')}\nerrors: Permanent errors have been detected in the following files:\n\n        /tank/file\n`;
    const [p] = parseZpoolStatus(text);
    expect(p?.errors.text).toBe("3 data errors, use '-v' for a list\nPermanent errors have been detected in the following files:\n/tank/file");
    expect(p?.errors).toMatchObject({ count: 3, found: true });
  });
});

describe('parseZpoolStatus on odd input', () => {
  const all = fixtures('zpool', /^status-/).map(([, t]) => t);

  it('never throws on random strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => Array.isArray(parseZpoolStatus(s))));
  });

  it('never throws on any truncation of a real output, and keeps the pool name once the pool line is in', () => {
    fc.assert(
      fc.property(fc.constantFrom(...all), fc.nat(), (text, n) => {
        const cut = text.slice(0, n % (text.length + 1));
        const pools = parseZpoolStatus(cut);
        const named = cut.match(/pool: \S+\n/g)?.length ?? 0;
        return pools.length >= named && pools.length <= named + 1 && pools.slice(0, named).every((p) => p.name.length > 0);
      }),
    );
  });

  it('says what it could not read', () => {
    const issues: string[] = [];
    parseZpoolStatus('garbage here\n  pool: x\n', issues);
    expect(issues.join('\n')).toMatch(/garbage here/);
    expect(issues.join('\n')).toMatch(/x: no state line/);
  });
});
