import { describe, expect, it } from 'vitest';
import { inventorySchema } from '../../src/config/schema.js';
import { resolveInventory } from '../../src/config/resolve.js';
import { splitSections } from '../../src/host/gather.js';
import { parseDf, parseIpLinks, parseJournalJson, parseZfsGet, parseZpoolList, parseZpoolStatus } from '../../src/parsers/index.js';
import { hostStatusFromSections } from '../../src/parsers/status-assemble.js';
import { fixture } from './fixture.js';

// Outputs captured from lab v2's guest (OpenZFS 2.3.2, systemd 252, kernel 6.1; test/lab/vm/capture-fixtures.sh,
// provenance in test/fixtures/SOURCES.md), read by the app's parsers: every line understood, the facts right.

const inv = resolveInventory(
  inventorySchema.parse({ hosts: [{ name: 'lab', ssh: { hostname: 'lab' }, vms: ['vm1', 'vm2', 'vm3', 'vm4', 'vm5'].map((name) => ({ name })) }] }),
  'test',
);

function status(file: string) {
  const issues: string[] = [];
  const pools = parseZpoolStatus(fixture(file), issues);
  return { pools, issues, pool: pools[0]! };
}

describe('OpenZFS 2.3 outputs from the VM lab', () => {
  it('the gather script: a whole host status, pools, datasets and units, without parse issues', () => {
    const hs = hostStatusFromSections(inv.hosts[0]!, splitSections(fixture('gather/vm-baseline.txt')), { now: Date.now() });
    expect(hs).toMatchObject({ reachable: true, error: null, storageUnit: { name: 'ebs-volume-microvm-storage.service', active: 'active' } });
    expect(hs.system.state).toBe('running');
    expect(hs.pools.map((p) => [p.name, p.health])).toEqual(expect.arrayContaining([['microvms', 'ONLINE'], ['labmirror', 'ONLINE']]));
    expect(hs.vms.filter((v) => v.active === 'active').map((v) => v.name)).toEqual(['vm1', 'vm2', 'vm3']);
  });
});

describe('zpool and zfs outputs of OpenZFS 2.3.2 (lab v2)', () => {
  it('zpool status: a never-scrubbed pool has scan none; a mirror with a side offline is DEGRADED', () => {
    const healthy = status('zpool/vm-status-healthy.txt');
    expect(healthy.issues).toEqual([]);
    expect(healthy.pools.map((p) => [p.name, p.state, p.scan.kind, p.errors.found])).toEqual([
      ['labmirror', 'ONLINE', 'none', false],
      ['microvms', 'ONLINE', 'none', false],
    ]);
    const d = status('zpool/vm-status-degraded-offline.txt');
    expect(d.pool.state).toBe('DEGRADED');
    expect(d.pool.vdevs[0]?.children[0]?.children.map((v) => v.state)).toEqual(['ONLINE', 'OFFLINE']);
  });

  it('zpool status: a side forced faulted (zpool offline -f) is FAULTED with its note', () => {
    const f = status('zpool/vm-status-vdev-faulted.txt');
    expect(f.issues).toEqual([]);
    expect(f.pool).toMatchObject({ state: 'DEGRADED', scan: { kind: 'scrub', inProgress: false } });
    expect(f.pool.vdevs[0]?.children[0]?.children[1]).toMatchObject({ state: 'FAULTED', note: 'external device fault' });
  });

  it('zpool status: a resilver in progress onto a third side attached to a mirror', () => {
    const s = status('zpool/vm-status-resilver-in-progress.txt');
    expect(s.issues).toEqual([]);
    expect(s.pool).toMatchObject({ name: 'labmirror', state: 'ONLINE', status: expect.stringMatching(/^One or more devices is currently being resilvered\./) });
    expect(s.pool.scan).toMatchObject({ kind: 'resilver', inProgress: true, text: expect.stringContaining('0.00% done') });
    const sides = s.pool.vdevs[0]?.children[0]?.children;
    expect(sides?.map((v) => [v.name, v.state, v.cksum])).toEqual(['a', 'b', 'c'].map((x) => [`/var/lib/lab-pool/mirror-${x}.img`, 'ONLINE', 0]));
    expect(s.pool.errors).toMatchObject({ found: false });
  });

  it('zpool status: a scrub in progress, and permanent errors with their list (-v) or their count (-x)', () => {
    const s = status('zpool/vm-status-scrub-in-progress.txt');
    expect(s.issues).toEqual([]);
    expect(s.pool.scan).toMatchObject({ kind: 'scrub', inProgress: true });
    expect(s.pool.errors).toMatchObject({ count: 30, found: true });
    expect(s.pool.vdevs[0]?.children[0]?.cksum).toBe(318);
    const v = status('zpool/vm-status-v-permanent-errors.txt');
    expect(v.issues).toEqual([]);
    expect(v.pool.errors).toMatchObject({ count: 9, found: true });
    expect(v.pool.errors.text).toContain('<metadata>:<0x21>');
    expect(v.pool.errors.text).toContain('labfault:<0x1>');
    expect(status('zpool/vm-status-x.txt').pool.errors).toMatchObject({ count: 12, found: true });
  });

  it('zpool list: human sizes and -p bytes agree within rounding; DEGRADED health', () => {
    const human = parseZpoolList(fixture('zpool/vm-list-H-o-name-size-alloc-free-health.txt'));
    const exact = parseZpoolList(fixture('zpool/vm-list-Hp-o-name-size-alloc-free-health.txt'));
    expect(exact.map((r) => r.name)).toEqual(['labmirror', 'microvms']);
    for (const [i, r] of exact.entries()) expect(Math.abs(human[i]!.size! - r.size!) / r.size!).toBeLessThan(0.01);
    expect(parseZpoolList(fixture('zpool/vm-list-H-degraded.txt'))[0]?.health).toBe('DEGRADED');
  });

  it('zfs get -p: every dataset and snapshot with used, referenced and creation as numbers', () => {
    const issues: string[] = [];
    const m = parseZfsGet(fixture('zfs/vm-get-Hp-o-name-property-value-r-used-referenced-creation.txt'), issues);
    expect(issues).toEqual([]);
    expect(m.size).toBe(20);
    expect(m.get('microvms/storage/vm1@20261120-0900')).toEqual({ used: expect.stringMatching(/^\d+$/), referenced: expect.stringMatching(/^\d+$/), creation: expect.stringMatching(/^\d{10}$/) });
  });

  it('ip -j link, journalctl -o json and df read without issues', () => {
    const issues: string[] = [];
    const links = parseIpLinks(fixture('ip/vm-ip-j-link-show.json'), issues);
    expect(links.map((l) => l.name)).toEqual(expect.arrayContaining(['host0', 'br-vm1', 'vm-vm1']));
    const entries = fixture('journalctl/vm-u-microvm-vm1-o-json-n5.txt').split('\n').filter(Boolean).map((l) => parseJournalJson(l));
    expect(entries).toHaveLength(5);
    for (const e of entries) expect(e?.message).toMatch(/^\[vm1\] /);
    expect(parseDf(fixture('df/vm-df-B1-P-microvms.txt'), issues)).toHaveLength(1);
    expect(issues).toEqual([]);
  });

  it('zfs diff -H lines, and the refusals to destroy a held or a cloned snapshot', () => {
    expect(fixture('zfs/vm-diff-H-vm1.txt').split('\n').filter(Boolean).every((l) => /^[-+MR]\t\//.test(l))).toBe(true);
    expect(fixture('zfs/vm-destroy-held-snapshot-stderr.txt')).toMatch(/it's being held\. Run 'zfs holds -r /);
    expect(fixture('zfs/vm-destroy-cloned-snapshot-stderr.txt')).toMatch(/snapshot has dependent clones\nuse '-R' to destroy the following datasets:\nmicrovms\/storage\/vm3-clone\n/);
  });
});
