import { describe, expect, it } from 'vitest';
import { parseZfsGet } from '../../src/parsers/index.js';
import { fixture } from './fixture.js';

describe('parseZfsGet', () => {
  it('groups a real `zfs get -H -p ... all` by dataset and snapshot', () => {
    const m = parseZfsGet(fixture('zfs/get-Hp-t-fs-vol-snap-o-name-property-value-source-all.txt'));
    expect([...m.keys()]).toEqual(['storage01', 'storage01/backup', 'storage01/backup@deduped-and-cleaned', 'storage01/storage']);
    expect(m.get('storage01')?.used).toBe('8486525635072');
    expect(m.get('storage01/backup@deduped-and-cleaned')?.type).toBe('snapshot');
    expect(m.get('storage01')?.sharenfs).toContain('no_root_squash');
  });

  it('reads FreeBSD output with a source column', () => {
    const m = parseZfsGet(fixture('zfs/get-Hp-all-freebsd.txt'));
    expect(m.get('tank/tmp')?.creation).toBe('1474668681');
  });

  it('skips lines that are not name<TAB>property<TAB>value', () => {
    const issues: string[] = [];
    const m = parseZfsGet("cannot open 'nope': dataset does not exist\np/a\tused\t5\n", issues);
    expect([...m.entries()]).toEqual([['p/a', { used: '5' }]]);
    expect(issues).toHaveLength(1);
  });
});
