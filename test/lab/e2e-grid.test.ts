import './netns-guard.js';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PtySession } from '../e2e/pty.js';
import { cardText, tempHome } from '../e2e/screen.js';
import { labRun } from './paths.js';

// The grid of the built binary, in a real pseudo-terminal against the lab: break things on the host by
// hand (over OpenSSH, not the app) and see each on its card without pressing a key. Build first: npx tsup.

const INVENTORY = labRun('inventory.yaml');
const SSH_CONFIG = labRun('ssh_config');
const run = promisify(execFile);
const home = tempHome();
let s: PtySession;

const onHost = (cmd: string) => run('ssh', ['-F', SSH_CONFIG, '-o', 'LogLevel=ERROR', 'lab', '--', cmd], { timeout: 30_000 });

/** Waits (up to 15 s, without a key) until vm's card matches; returns how long that took after the change. */
async function cardShows(vm: string, re: RegExp, since: number): Promise<number> {
  await s.waitFor(`${vm} card ${re}`, (scr) => (re.test(cardText(scr, vm) ?? '') ? true : undefined), 15_000);
  return Date.now() - since;
}

describe.skipIf(!existsSync(INVENTORY))('the grid follows the lab host live', () => {
  beforeAll(async () => {
    s = await PtySession.start({ args: ['--config', INVENTORY], cols: 160, rows: 48, env: home.env });
    await s.waitFor('grid with vm1-vm5', (scr) => (['vm1', 'vm2', 'vm3', 'vm5'].every((v) => cardText(scr, v)?.includes('runner')) || /RUNNER|RESTART/.test(scr) ? true : undefined), 30_000);
  });

  afterAll(async () => {
    await onHost('systemctl start microvm@vm2; labctl fix-runner vm5 || true; cur=$(readlink /var/lib/microvms/vm3/current); boot=$(readlink /var/lib/microvms/vm3/booted); [ "$cur" = "$boot" ] || labctl flip vm3; true');
    s?.kill();
    home.cleanup();
  });

  it('a stopped VM, a flipped runner and a removed runner link each show on their card without a key pressed', async () => {
    let t = Date.now();
    await onHost('systemctl stop microvm@vm2');
    const stopMs = await cardShows('vm2', /inactive/, t);

    t = Date.now();
    await onHost('labctl flip vm3');
    const flipMs = await cardShows('vm3', /RESTART NEEDED/, t);

    t = Date.now();
    await onHost('labctl break-runner vm5');
    const runnerMs = await cardShows('vm5', /RUNNER MISSING/, t);

    // no key was pressed: the poller brought each change (how fast is measured in bench/, not asserted here)
    console.log(`grid showed: stop ${stopMs} ms, flip ${flipMs} ms, runner removed ${runnerMs} ms`);

    t = Date.now();
    await onHost('systemctl start microvm@vm2');
    await cardShows('vm2', /active \(running\)/, t);
  });

  it('q leaves the terminal as it found it', async () => {
    s.press('q');
    expect((await s.exit()).code).toBe(0);
    expect(await s.restoration()).toEqual({ leftAltScreen: true, cursorShown: true, echo: true });
  });
});
