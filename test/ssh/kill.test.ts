import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { killGroupCommand, withPgidReport } from '../../src/host/process-group.js';
import { PgidSniffer } from '../../src/ssh/kill.js';

// The cancel mechanism run for real with the local /bin/sh: a detached child gets its own process group,
// as sshd's setsid gives each command; the reported pgid and the kill command must end the whole group.

/** Starts a command in its own process group (like sshd's setsid) and waits for its pgid report. */
async function startGroup(command: string) {
  const child = spawn('sh', ['-c', withPgidReport(command)], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const sniff = new PgidSniffer(() => undefined);
  let started = false;
  await new Promise<void>((resolve) => {
    const check = () => started && sniff.pgid !== undefined && resolve();
    child.stderr.on('data', (b: Buffer) => (sniff.push(b.toString()), check()));
    child.stdout.once('data', () => ((started = true), check()));
  });
  return { child, pgid: sniff.pgid! };
}

/** Running, as opposed to gone or a zombie waiting for a parent that may not reap it here. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('remote process-group kill', () => {
  it('reports the pgid first on stderr and the kill ends a pipeline that ignores closed pipes', async () => {
    const { child, pgid } = await startGroup('sleep 100 | sleep 100 & echo started; wait');
    expect(pgid).toBe(child.pid);
    const members = execFileSync('ps', ['-o', 'pid=', '-g', String(pgid)], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
    expect(members.length).toBeGreaterThanOrEqual(3);
    const exited = new Promise((r) => child.once('exit', r));
    execFileSync('sh', ['-c', killGroupCommand(pgid)]);
    await exited;
    for (const pid of members) expect(alive(pid)).toBe(false);
  });

  it('escalates to KILL for a process that ignores TERM', async () => {
    const { child, pgid } = await startGroup(`trap '' TERM; echo started; while :; do sleep 0.1; done`);
    const t0 = Date.now();
    execFileSync('sh', ['-c', killGroupCommand(pgid)]);
    expect(Date.now() - t0).toBeGreaterThan(900);
    await new Promise((r) => setTimeout(r, 50));
    expect(alive(child.pid!)).toBe(false);
  });

  it('passes other stderr through untouched, including a look-alike line later on', () => {
    const got: string[] = [];
    const s = new PgidSniffer((t) => got.push(t));
    s.push('mvm-tui-pg');
    s.push('id 4242\nreal error\n');
    s.push('mvm-tui-pgid 1\n');
    expect(s.pgid).toBe(4242);
    expect(got.join('')).toBe('real error\nmvm-tui-pgid 1\n');
    const other = new PgidSniffer((t) => got.push(t));
    other.push('bash: foo: not found\n');
    expect(other.pgid).toBeUndefined();
  });

  it('refuses to build a kill for pid 0, 1 or a non-integer', () => {
    for (const bad of [0, 1, -5, 1.5, NaN]) expect(() => killGroupCommand(bad)).toThrow(RangeError);
  });
});
