import { describe, expect, it } from 'vitest';
import { parseDf } from '../../src/parsers/index.js';
import { fixture } from './fixture.js';

describe('parseDf', () => {
  it('reads `df -B1 -P` in bytes', () => {
    const rows = parseDf(fixture('df/df-B1-P-local.txt'));
    expect(rows.map((r) => r.mountpoint)).toEqual(['/', '/dev/shm', '/var/lib/microvms']);
    expect(rows[2]).toEqual({ filesystem: 'microvms', size: 1073741824, used: 104857600, available: 968884224, mountpoint: '/var/lib/microvms' });
  });

  it('scales 1K blocks and reads a Type column, with or without a final newline', () => {
    const [pt] = parseDf(fixture('df/df-PT-inspec-no-trailing-newline.txt'));
    expect(pt).toEqual({ filesystem: '/dev/sda1', size: 30428648 * 1024, used: 9651536 * 1024, available: 20760728 * 1024, mountpoint: '/' });
    const c7 = parseDf(fixture('df/df-centos7.txt'));
    expect(c7.find((r) => r.mountpoint === '/boot')?.used).toBe(237600 * 1024);
    expect(c7).toHaveLength(7);
  });

  it('reads the --output layout (1B-blocks, Avail)', () => {
    const rows = parseDf(fixture('df/df-B1-output-source-fstype-size-used-avail-pcent-target-local.txt'));
    expect(rows[0]).toMatchObject({ filesystem: '/dev/vda', size: 270553174016, available: 84315746304, mountpoint: '/' });
  });

  it('keeps spaces in a mountpoint and skips unreadable rows with an issue', () => {
    const issues: string[] = [];
    const text = 'Filesystem 1-blocks Used Available Capacity Mounted on\npool  100  40  60  40% /mnt/my disk\nbroken line\n';
    expect(parseDf(text, issues)).toEqual([{ filesystem: 'pool', size: 100, used: 40, available: 60, mountpoint: '/mnt/my disk' }]);
    expect(issues).toEqual(['df: unread line "broken line"']);
    expect(parseDf("df: /var/lib/microvms: No such file or directory\n")).toEqual([]);
  });
});
