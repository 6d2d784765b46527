import './netns-guard.js';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PtySession } from '../e2e/pty.js';
import { tempHome } from '../e2e/screen.js';
import { labRun } from './paths.js';

// zfs diff in the snapshot browser of the built binary (npx tsup first), in a real pty against lab v2
// (MVM_LAB=vm: OpenZFS 2.3). Skipped on zfs-fuse, which has no diff (snapshots.test.ts covers that message).

const INVENTORY = labRun('inventory.yaml');
const SSH_CONFIG = labRun('ssh_config');
const run = promisify(execFile);
const home = tempHome();
const tag = randomBytes(3).toString('hex');
const marker = `/var/lib/microvms/vm1/diff-marker-${tag}`;
const onHost = (cmd: string) => run('ssh', ['-F', SSH_CONFIG, '-o', 'LogLevel=ERROR', 'lab', '--', cmd], { timeout: 30_000 });
let openzfs = false;
let s: PtySession | undefined;

describe.skipIf(!existsSync(INVENTORY))('zfs diff in the snapshot browser (lab v2)', () => {
  beforeAll(async () => {
    openzfs = await onHost('zfs version').then(() => true, () => false);
  });

  afterAll(async () => {
    s?.kill();
    home.cleanup();
    await onHost(`rm -f ${marker}`).catch(() => undefined);
  });

  it('d on the newest snapshot of vm1 lists a file written since, as zfs diff reports it', async ({ skip }) => {
    if (!openzfs) skip();
    await onHost(`echo ${tag} >${marker} && sync`);
    s = await PtySession.start({ args: ['--config', INVENTORY], cols: 160, rows: 48, env: home.env });
    await s.waitForText(/vm1/, 30_000);
    s.press('z');
    await s.waitForText(/Snapshots · lab:vm1/, 30_000);
    await s.waitForText(/@20261124-0900/, 30_000);
    s.press('d');
    const screen = await s.waitForText(/changes since @\S+: \d+ path\(s\)/, 30_000);
    expect(screen).toContain(`+ ${marker}`);
  });
});
