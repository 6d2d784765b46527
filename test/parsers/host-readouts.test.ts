import { describe, expect, it } from 'vitest';
import { parseHumanSize, parseLoadavg, parseMeminfo, parseReadlink, parseUint, parseZpoolList } from '../../src/parsers/index.js';
import { fixture } from './fixture.js';

describe('zpool list and sizes', () => {
  it('reads human sizes 1024-based (zfs-fuse has no -p) and exact bytes with -p', () => {
    const [r] = parseZpoolList(fixture('zpool/list-H-o-name-size-alloc-free-health-human.txt'));
    expect(r).toEqual({ name: 'storage01', size: Math.round(8.39 * 1024 ** 4), allocated: Math.round(7.72 * 1024 ** 4), free: 686 * 1024 ** 3, health: 'ONLINE' });
    expect(parseZpoolList('microvms\t2147483648\t6012928\t2141470720\tDEGRADED\n')[0]).toMatchObject({ size: 2147483648, health: 'DEGRADED' });
    expect(parseHumanSize('1.98G')).toBe(Math.round(1.98 * 1024 ** 3));
    expect(parseHumanSize('120K')).toBe(122880);
    expect(parseHumanSize('-')).toBeNull();
  });

  it('skips error lines of zpool list', () => {
    const issues: string[] = [];
    expect(parseZpoolList('no pools available\n', issues)).toEqual([]);
    expect(issues).toHaveLength(1);
  });
});

describe('/proc and readlink', () => {
  it('reads load averages from real /proc/loadavg', () => {
    expect(parseLoadavg(fixture('proc/proc-loadavg-local.txt'))).toEqual([0.74, 0.67, 0.34]);
    expect(parseLoadavg(fixture('proc/proc-loadavg-jc.txt'))).toEqual([0, 0.01, 0.03]);
    expect(parseLoadavg('cat: /proc/loadavg: No such file')).toBeNull();
  });

  it('reads /proc/meminfo in bytes', () => {
    const text = fixture('proc/proc-meminfo-local.txt');
    const m = parseMeminfo(text);
    const kb = Number(/MemTotal:\s+(\d+) kB/.exec(text)?.[1]);
    expect(m.MemTotal).toBe(kb * 1024);
    expect(m.MemAvailable).toBeGreaterThan(0);
    expect(m.MemAvailable!).toBeLessThanOrEqual(m.MemTotal!);
    expect(typeof m.HugePages_Total).toBe('number');
  });

  it('reads /proc/meminfo with CRLF line ends, and names the lines it cannot read instead of guessing', () => {
    const issues: string[] = [];
    const m = parseMeminfo('MemTotal:       16384 kB\r\nHugePages_Total:       4\r\nMemFree:123 kB\nBuffers:   12kB\nCached: lots\n\n', issues);
    expect(m).toEqual({ MemTotal: 16384 * 1024, HugePages_Total: 4 });
    expect(issues).toEqual(['meminfo: unread line "MemFree:123 kB"', 'meminfo: unread line "Buffers:   12kB"', 'meminfo: unread line "Cached: lots"']);
  });

  it('reads systemd numbers: [not set] and u64 max are null', () => {
    expect(parseUint('78606336')).toBe(78606336);
    expect(parseUint('[not set]')).toBeNull();
    expect(parseUint('18446744073709551615')).toBeNull();
    expect(parseUint(undefined)).toBeNull();
  });

  it('reads a link target, null when absent', () => {
    expect(parseReadlink('/nix/store/abc-microvm-vm1\n', 0)).toBe('/nix/store/abc-microvm-vm1');
    expect(parseReadlink('', 1)).toBeNull();
    expect(parseReadlink('', 0)).toBeNull();
  });
});

describe('stat -c %N links', () => {
  it('reads link targets, absent paths (stderr merged) and non-links', async () => {
    const { parseStatLinks } = await import('../../src/parsers/index.js');
    const text = fixture('gather/lab-vm1-crashed-vm2-stopped-vm3-flipped-vm5-no-runner.txt').split('@@mvm runners\n')[1]!.split('@@rc')[0]!;
    const m = parseStatLinks(text);
    expect(m.get('/var/lib/microvms/vm3/current')).toMatch(/^\/nix\/store\/\w+-microvm-cloud-hypervisor-vm3$/);
    expect(m.get('/var/lib/microvms/vm3/booted')).not.toBe(m.get('/var/lib/microvms/vm3/current'));
    expect(m.has('/var/lib/microvms/vm5/current')).toBe(true);
    expect(m.get('/var/lib/microvms/vm5/current')).toBeNull();
    expect(m.size).toBe(10);
    expect(parseStatLinks("'/var/lib/microvms/vm1'\nstat: cannot statx '/x': Permission denied\n")).toEqual(new Map([['/var/lib/microvms/vm1', null]]));
  });
});
