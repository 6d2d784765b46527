import './netns-guard.js';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PtySession } from '../e2e/pty.js';
import { tempHome } from '../e2e/screen.js';
import { labRun } from './paths.js';

// The built binary in a real pseudo-terminal against the lab hypervisor, with the lab's key encrypted and no
// ssh-agent: the UI draws first, asks the passphrase in its own dialog when the first refresh connects, never
// shows what is typed, and connects with it. Build first: npx tsup.

const INVENTORY = labRun('inventory.yaml');
const KEY = labRun('id_ed25519');
const run = promisify(execFile);
const home = tempHome();
const PASS = 'lab passphrase q!';
let session: PtySession | undefined;

afterEach(() => {
  session?.kill();
  session = undefined;
});
afterAll(() => home.cleanup());

describe.skipIf(!existsSync(INVENTORY))('an encrypted key in the UI', () => {
  it('asks its passphrase in a dialog, never draws it, and connects with it', async () => {
    const key = join(home.env.HOME!, 'id_ed25519');
    copyFileSync(KEY, key);
    await run('ssh-keygen', ['-q', '-p', '-N', PASS, '-f', key]); // the same key (authorized on the lab), encrypted
    const inventory = join(home.env.HOME!, 'inventory.yaml');
    writeFileSync(inventory, readFileSync(INVENTORY, 'utf8').replace(/identityFile: .*/, `identityFile: ${JSON.stringify(key)}`));

    session = await PtySession.start({ args: ['--config', inventory], cols: 120, rows: 40, env: { ...home.env, SSH_AUTH_SOCK: undefined } });
    const s = session;
    await s.waitForText(/Passphrase for .*id_ed25519/, 30_000);
    const grid = s.raw.indexOf('vm1');
    expect(grid).toBeGreaterThan(-1);
    expect(grid).toBeLessThan(s.raw.indexOf('Passphrase for')); // the grid was drawn first
    s.press(PASS);
    await s.waitForText(/typing/);
    s.press('enter');
    const up = await s.waitFor('the lab reachable', (scr) => (/lab\s+● reachable/.test(scr) ? scr : undefined), 30_000);
    expect(up).not.toContain('Passphrase for');
    expect(s.raw).not.toContain(PASS); // nothing the program wrote, in any frame
    s.press('q');
    expect((await s.exit()).code).toBe(0);
  });
});
