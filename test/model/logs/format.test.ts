import { describe, expect, it } from 'vitest';
import { formatJson, formatPlain, severity, severityMarker } from '../../../src/model/logs/format.js';

const e = { cursor: 's=1;i=2', realtimeUs: 1795694378907894n, unit: 'microvm@vm1.service', priority: 3, message: 'microvm-run: crashed' };

describe('format', () => {
  it('prints `TIME UNIT[PRIO]: MESSAGE`', () => {
    expect(formatPlain(e)).toBe('2026-11-26T11:59:38.907Z microvm@vm1[err]: microvm-run: crashed');
    expect(formatPlain({ ...e, unit: undefined, identifier: 'sshd', priority: undefined })).toContain(' sshd[info]: ');
  });

  it("names the unit systemd's own messages are about, not init.scope", () => {
    const started = { ...e, unit: 'init.scope', priority: 6, message: "Started microvm@vm1.service - MicroVM 'vm1'.", fields: { UNIT: 'microvm@vm1.service' } };
    expect(formatPlain(started)).toBe("2026-11-26T11:59:38.907Z microvm@vm1[info]: Started microvm@vm1.service - MicroVM 'vm1'.");
    expect(JSON.parse(formatJson(started)).unit).toBe('microvm@vm1.service');
  });

  it('prints JSON lines with cursor, ISO time, unit, priority and message', () => {
    expect(JSON.parse(formatJson(e))).toEqual({
      cursor: 's=1;i=2',
      time: '2026-11-26T11:59:38.907Z',
      unit: 'microvm@vm1.service',
      priority: 3,
      message: 'microvm-run: crashed',
    });
  });

  it('ranks err and worse as errors, warning as a warning, with a marker that reads without colour', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, undefined].map(severity)).toEqual(['error', 'error', 'error', 'error', 'warning', 'normal', 'normal', 'normal', 'normal']);
    expect(severityMarker(2)).toBe('!!');
    expect(severityMarker(4)).toBe('! ');
  });
});
