import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActionService } from '../../src/services/actions.js';
import { AuditLog, defaultAuditPath } from '../../src/services/audit.js';
import { ActionGuard } from '../../src/services/guard.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';
import { inventory } from './actions-helpers.js';

describe('the audit log on disk', () => {
  it('records a refused action as one JSON line in a 0600 file under a 0700 directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mvm-audit-'));
    const log = new AuditLog(join(dir, 'state', 'mvm-tui', 'audit.jsonl'));
    const inv = inventory();
    const svc = new ActionService({ inventory: inv, transport: new ScriptedTransport(), guard: new ActionGuard(inv, log, true) });
    await expect(svc.unitAction('restart', 'hv', ['vm1'])).rejects.toThrow('read-only');
    const text = await readFile(log.path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const entry = JSON.parse(text.trim());
    expect(Object.keys(entry).sort()).toEqual(['action', 'command', 'detail', 'durationMs', 'host', 'outcome', 'target', 'time', 'user']);
    expect(entry).toMatchObject({ host: 'hv', target: 'vm1', action: 'vm.restart', command: 'systemctl restart microvm@vm1', outcome: 'refused' });
    expect((await stat(log.path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'state', 'mvm-tui'))).mode & 0o777).toBe(0o700);
  });

  it('tightens a file that was created too open, and appends', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mvm-audit-'));
    const path = join(dir, 'audit.jsonl');
    await writeFile(path, '', { mode: 0o644 });
    const log = new AuditLog(path);
    const base = { time: new Date(0).toISOString(), user: 'op', host: 'hv', target: 'vm1', action: 'vm.stop', command: 'systemctl stop microvm@vm1', durationMs: 5 };
    await log.record({ ...base, outcome: 'ok' });
    await log.record({ ...base, outcome: 'failed' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await log.read()).map((e) => e.outcome)).toEqual(['ok', 'failed']);
  });

  it('keeps entries in the order they were recorded, even when records overlap (two refusals a key apart)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mvm-audit-'));
    const log = new AuditLog(join(dir, 'state', 'audit.jsonl'));
    const base = { time: new Date(0).toISOString(), user: 'op', host: 'hv', action: 'vm.restart', command: 'systemctl restart microvm@vm1', outcome: 'refused' as const, durationMs: 0 };
    const targets = Array.from({ length: 30 }, (_, i) => `vm${i}`);
    await Promise.all(targets.map((target) => log.record({ ...base, target })));
    expect((await log.read()).map((e) => e.target)).toEqual(targets);
  });

  it('lives under $XDG_STATE_HOME by default', () => {
    expect(defaultAuditPath({ XDG_STATE_HOME: '/s' })).toBe('/s/mvm-tui/audit.jsonl');
  });
});
