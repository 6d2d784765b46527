import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logFileName, saveLogFile } from '../../../src/services/logs/save.js';

const entries = [
  { cursor: 'a', realtimeUs: 1795694378907894n, unit: 'microvm@vm1.service', priority: 6, message: '[vm1] heartbeat 11' },
  { cursor: 'b', realtimeUs: 1795694380909922n, unit: 'microvm@vm1.service', priority: 3, message: 'microvm-run: crashed' },
];
const now = new Date('2026-11-26T13:05:09Z');

describe('saveLogFile', () => {
  it('writes what the pane holds, one line per entry, readable only by the user', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mvm-logs-'));
    const r = await saveLogFile({ entries, host: 'lab', unit: 'microvm@vm1', dir, now });
    expect(r).toEqual({ path: join(dir, 'lab-microvm@vm1-20261126-130509.log'), lines: 2 });
    expect(await readFile(r.path, 'utf8')).toBe(
      '2026-11-26T11:59:38.907Z microvm@vm1[info]: [vm1] heartbeat 11\n2026-11-26T11:59:40.909Z microvm@vm1[err]: microvm-run: crashed\n',
    );
    expect((await stat(r.path)).mode & 0o777).toBe(0o600);
    await expect(saveLogFile({ entries, host: 'lab', unit: 'microvm@vm1', dir, now })).rejects.toThrow(/EEXIST/);
    const j = await saveLogFile({ entries, host: 'lab', unit: 'microvm@vm1', dir, now, format: 'json' });
    expect((await readFile(j.path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l).cursor)).toEqual(['a', 'b']);
  });

  it('never lets a name escape the directory', () => {
    expect(logFileName('../etc', 'a/b', now)).toBe('__etc-a_b-20261126-130509.log');
  });
});
