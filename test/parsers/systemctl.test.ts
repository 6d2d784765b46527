import { describe, expect, it } from 'vitest';
import { parseFailedUnits, parseIsSystemRunning, parseSystemctlShow, parseSystemdTimestamp } from '../../src/parsers/index.js';
import { fixture } from './fixture.js';

describe('parseSystemctlShow', () => {
  it('reads every property of a real `systemctl show --all`, values kept verbatim', () => {
    const [docker, ...rest] = parseSystemctlShow(fixture('systemctl/show-all-docker-service-running.txt'));
    expect(rest).toHaveLength(0);
    expect(docker?.Id).toBe('docker.service');
    expect(docker?.ActiveState).toBe('active');
    expect(docker?.MemoryCurrent).toBe('78606336');
    expect(docker?.CPUUsageNSec).toBe('[not set]');
    expect(docker?.ActiveEnterTimestamp).toBe('Tue 2022-08-16 18:19:40 AEST');
    expect(docker?.PIDFile).toBe('');
    expect(Object.keys(docker ?? {}).length).toBeGreaterThan(150);
  });

  it('splits several units on blank lines, in output order', () => {
    const text = `${fixture('systemctl/show-subset-sshd.txt')}\n${fixture('systemctl/show-subset-dbus.txt')}`;
    const recs = parseSystemctlShow(text);
    expect(recs.map((r) => r.Id)).toEqual(['sshd.service', 'dbus.service']);
    expect(recs[1]?.Names).toBe('messagebus.service dbus.service');
  });

  it('keeps "=" inside values and reports lines without one', () => {
    const issues: string[] = [];
    const [r] = parseSystemctlShow('Environment=A=1 B=2\nnot a property\nId=x.service\n', issues);
    expect(r).toEqual({ Environment: 'A=1 B=2', Id: 'x.service' });
    expect(issues).toEqual(['systemctl show: unread line "not a property"']);
  });
});

describe('systemd one-liners', () => {
  it('reads is-system-running states, and unknown for anything else', () => {
    expect(parseIsSystemRunning(fixture('systemctl/is-system-running-offline-exit1.txt'))).toBe('offline');
    expect(parseIsSystemRunning('degraded\n')).toBe('degraded');
    expect(parseIsSystemRunning('Failed to connect to bus: No such file or directory\n')).toBe('unknown');
  });

  it('reads failed unit names with or without the bullet', () => {
    const text = '● ebs-volume-microvm-storage.service loaded failed failed EBS volume\nmicrovm@vm2.service loaded failed failed MicroVM \'vm2\'\n';
    expect(parseFailedUnits(text)).toEqual(['ebs-volume-microvm-storage.service', 'microvm@vm2.service']);
    expect(parseFailedUnits('')).toEqual([]);
  });

  it('reads unix and UTC timestamps; empty, n/a and local zones give null', () => {
    expect(parseSystemdTimestamp('@1795694378')).toBe(1795694378000);
    expect(parseSystemdTimestamp('Thu 2026-11-26 12:20:07 UTC')).toBe(Date.parse('2026-11-26T12:20:07Z'));
    expect(parseSystemdTimestamp('Thu 2026-11-26 12:20:07 +0100')).toBe(Date.parse('2026-11-26T11:20:07Z'));
    expect(parseSystemdTimestamp('')).toBeNull();
    expect(parseSystemdTimestamp('n/a')).toBeNull();
    expect(parseSystemdTimestamp('@0')).toBeNull();
  });

  it('reads the zone a host names (abbreviation or a bare offset), and refuses an ambiguous one', () => {
    // the real docker unit's time (Australian Eastern Standard Time, UTC+10)
    const [docker] = parseSystemctlShow(fixture('systemctl/show-all-docker-service-running.txt'));
    expect(parseSystemdTimestamp(docker?.ActiveEnterTimestamp)).toBe(Date.parse('2022-08-16T08:19:40Z'));
    expect(parseSystemdTimestamp('Sat 2026-06-06 14:00:00 CEST')).toBe(Date.parse('2026-06-06T12:00:00Z'));
    // systemd prints %Z, which is a bare offset where the zone has no abbreviation (e.g. Africa/Lagos: +01)
    expect(parseSystemdTimestamp('Sun 2026-12-06 13:00:00 +01')).toBe(Date.parse('2026-12-06T12:00:00Z'));
    expect(parseSystemdTimestamp('Sun 2026-12-06 17:30:00 +0530')).toBe(Date.parse('2026-12-06T12:00:00Z'));
    expect(parseSystemdTimestamp('Sun 2026-12-06 09:00:00 -03')).toBe(Date.parse('2026-12-06T12:00:00Z'));
    expect(parseSystemdTimestamp('Sun 2026-12-06 12:00:00 CST')).toBeNull(); // China or US Central
  });
});
