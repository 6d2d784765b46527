import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hostStatusSchema, type HostStatus } from '../../src/model/status.js';
import { labRun } from './paths.js';

// The built binary's `status --watch --json` against the lab hypervisor: the first line is the host's full state;
// a VM killed with SIGKILL gives a line within seconds (by the host's events); SIGTERM ends it with exit 0.
// Run: npm run build && flock /tmp/mvm-lab.lock npm run test:lab -- test/lab/watch.test.ts

const BIN = fileURLToPath(new URL('../../bin/mvm-tui', import.meta.url));
const INV = labRun('inventory.yaml');
const LAB_SSH = ['-F', labRun('ssh_config'), '-o', 'LogLevel=ERROR', 'lab'];

interface Line {
  at: string;
  host: HostStatus;
}

function labSh(cmd: string): Promise<number | null> {
  return new Promise((resolve) => spawn('ssh', [...LAB_SSH, cmd], { stdio: 'ignore' }).on('exit', resolve));
}

describe('mvm-tui status --watch --json (built binary, lab)', () => {
  it('prints the full state, then a line when a VM is killed; SIGTERM ends it with exit 0', async () => {
    const child = spawn(process.execPath, [BIN, '--config', INV, 'status', '--watch', '--json', '--no-probe'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Line[] = [];
    let buf = '';
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += String(b)));
    child.stdout.on('data', (b: Buffer) => {
      buf += String(b);
      for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n')) {
        lines.push(JSON.parse(buf.slice(0, nl)) as Line);
        buf = buf.slice(nl + 1);
      }
    });
    const until = async (what: string, ok: () => boolean, ms: number) => {
      const end = Date.now() + ms;
      while (!ok()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const vm3 = (l: Line | undefined) => l?.host.vms.find((v) => v.name === 'vm3');
    try {
      await until('the first line', () => lines.length > 0, 15_000);
      expect(hostStatusSchema.parse(lines[0]!.host).name).toBe('lab');
      expect(Number.isNaN(Date.parse(lines[0]!.at))).toBe(false);
      await until('vm3 running', () => vm3(lines.at(-1))?.active === 'active' && vm3(lines.at(-1))?.sub === 'running', 20_000);
      // Event mode is up once the whole status was read a second time (or sooner): give it a moment.
      await new Promise((r) => setTimeout(r, 1500));
      const n = lines.length;
      expect(await labSh('systemctl kill -s KILL microvm@vm3')).toBe(0);
      await until('a line with vm3 down', () => lines.slice(n).some((l) => vm3(l)?.active !== 'active' || vm3(l)?.sub !== 'running'), 5_000);
      // Back to running after RestartSec: a line for that too.
      await until('vm3 running again', () => vm3(lines.at(-1))?.active === 'active' && vm3(lines.at(-1))?.sub === 'running', 20_000);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
  }, 60_000);
});
