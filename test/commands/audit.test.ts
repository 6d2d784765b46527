import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditCommand } from '../../src/commands/audit.js';
import type { CommandContext } from '../../src/commands/types.js';
import { commandContext } from '../helpers/command-context.js';
import { AuditLog, type AuditEntry } from '../../src/services/audit.js';

function ctx(values: CommandContext['values'] = {}, config?: string) {
  return commandContext({ global: { config }, values });
}

const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  time: '2026-11-26T12:00:00.000Z',
  user: 'op',
  host: 'hv',
  target: 'vm1',
  action: 'vm.restart',
  command: 'systemctl restart microvm@vm1',
  outcome: 'ok',
  durationMs: 1234,
  ...over,
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mvm-auditcmd-'));
  vi.stubEnv('XDG_CONFIG_HOME', join(dir, 'config'));
  vi.stubEnv('XDG_STATE_HOME', join(dir, 'state'));
});
afterEach(() => vi.unstubAllEnvs());

describe('mvm-tui audit', () => {
  it('prints a table of the default log when there is no inventory', async () => {
    const log = new AuditLog(join(dir, 'state', 'mvm-tui', 'audit.jsonl'));
    await log.record(entry({}));
    await log.record(entry({ target: 'hypervisor', action: 'host.deploy', command: 'cd /srv && lab-deploy', outcome: 'failed', detail: 'failed with exit code 1 after 3.0 s', durationMs: 3000 }));
    const r = ctx();
    expect(await auditCommand.run(r.c)).toBe(0);
    const lines = r.out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+USER\s+HOST\s+TARGET\s+ACTION\s+OUTCOME\s+TOOK\s+COMMAND$/);
    expect(lines[1]).toMatch(/^2026-11-26 12:00:00Z\s+op\s+hv\s+vm1\s+vm\.restart\s+ok\s+1\.2s\s+systemctl restart microvm@vm1$/);
    expect(lines[2]).toMatch(/host\.deploy\s+failed\s+3\.0s\s+cd \/srv && lab-deploy {2}\(failed with exit code 1 after 3\.0 s\)$/);
    // columns line up
    expect(lines[1]!.indexOf('vm.restart')).toBe(lines[2]!.indexOf('host.deploy'));
  });

  it('prints JSON lines with --json, from the inventory auditLog path', async () => {
    const path = join(dir, 'custom.jsonl');
    await new AuditLog(path).record(entry({ outcome: 'refused', detail: 'read-only' }));
    await mkdir(join(dir, 'config', 'mvm-tui'), { recursive: true });
    await writeFile(join(dir, 'config', 'mvm-tui', 'config.yaml'), `auditLog: ${path}\nhosts:\n  - name: hv\n    ssh: {hostname: hv.test}\n`);
    const r = ctx({ json: true });
    expect(await auditCommand.run(r.c)).toBe(0);
    const lines = r.out().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([entry({ outcome: 'refused', detail: 'read-only' })]);
  });

  it('says so when the log is empty, and exits 2 on a broken inventory', async () => {
    const r = ctx();
    expect(await auditCommand.run(r.c)).toBe(0);
    expect(r.out()).toBe('');
    expect(r.err()).toContain('no audit entries in');
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'hosts: 3\n');
    const b = ctx({}, bad);
    expect(await auditCommand.run(b.c)).toBe(2);
    expect(b.err()).toContain('hosts: expected array');
  });
});
