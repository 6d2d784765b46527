import { describe, expect, it } from 'vitest';
import { journalctlCommand, JournalQueryError, normalizeSince } from '../../../src/host/journal.js';

describe('journalctlCommand', () => {
  it('builds the follow command a pane runs', () => {
    expect(journalctlCommand({ unit: 'microvm@vm1', follow: true })).toBe('journalctl -u microvm@vm1 -o json --all --output-fields=MESSAGE,PRIORITY,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER,UNIT -f --no-pager');
  });

  it('adds -n and --since, reading a bare span as "ago"', () => {
    expect(journalctlCommand({ unit: 'sshd', lines: 50 })).toBe('journalctl -u sshd -o json --all --output-fields=MESSAGE,PRIORITY,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER,UNIT -n 50 --no-pager');
    expect(journalctlCommand({ unit: 'comin', since: '15m' })).toBe('journalctl -u comin -o json --all --output-fields=MESSAGE,PRIORITY,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER,UNIT --since -15m --no-pager');
    expect(journalctlCommand({ unit: 'comin', since: '2026-11-26 12:00' })).toBe("journalctl -u comin -o json --all --output-fields=MESSAGE,PRIORITY,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER,UNIT --since '2026-11-26 12:00' --no-pager");
  });

  it('resumes after a cursor, quoted, and drops -n/--since so nothing is skipped or repeated', () => {
    const cursor = 's=1c51;i=81;b=9e0c;m=1a86900f;t=6612cad9478f6;x=ee4d';
    const cmd = journalctlCommand({ unit: 'microvm@vm1', follow: true, lines: 100, since: '1h', afterCursor: cursor });
    expect(cmd).toBe(`journalctl -u microvm@vm1 -o json --all --output-fields=MESSAGE,PRIORITY,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER,UNIT -f --after-cursor '${cursor}' --no-pager`);
  });

  it.each(['', 'a b', 'x;rm -rf /', '$(reboot)', '-u', "vm'1", 'a\nb', 'x'.repeat(256)])('refuses the unit %j', (unit) => {
    expect(() => journalctlCommand({ unit })).toThrow(JournalQueryError);
  });

  it.each([-1, 1.5, Number.NaN, 2_000_000])('refuses the line count %s', (lines) => {
    expect(() => journalctlCommand({ unit: 'sshd', lines })).toThrow(/line count/);
  });

  it('refuses odd --since values and cursors that could break out of quoting', () => {
    expect(() => normalizeSince('15 minutes; reboot')).toThrow(/--since/);
    expect(() => normalizeSince('')).toThrow(JournalQueryError);
    expect(() => journalctlCommand({ unit: 'sshd', afterCursor: "x';reboot;'" })).toThrow(/cursor/);
    expect(normalizeSince('-1h')).toBe('-1h');
    expect(normalizeSince('yesterday')).toBe('yesterday');
  });
});
