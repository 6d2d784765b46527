import { execFileSync, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { eventsCommand } from '../../src/host/events.js';

// The event stream's shell on a channel that closes while its sources start (the client hung up): nothing of it
// may stay running. Here with this machine's bash and whichever sources it has (ip monitor is the one that, with
// nothing to print, never notices a closed channel by itself).

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function group(pgid: number): string {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '-g', String(pgid)], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // ps exits 1 when the group is empty
  }
}

describe.skipIf(!/\/ip$/.test(execFileSync('sh', ['-c', 'command -v ip || true'], { encoding: 'utf8' }).trim()))('the event stream on a channel that closed', () => {
  it('ends its whole process group when its output is gone before the ready line', async () => {
    const child = spawn('bash', ['-c', eventsCommand()], { detached: true, stdio: ['pipe', 'pipe', 'ignore'] });
    child.stdout.destroy(); // the channel's output closes as the sources start; its input stays open
    try {
      let left = group(child.pid!);
      for (let i = 0; i < 40 && left; i++) {
        await sleep(50);
        left = group(child.pid!);
      }
      expect(left).toBe('');
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
});
