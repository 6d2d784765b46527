import './netns-guard.js';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PtySession } from '../e2e/pty.js';
import { cardText, tempHome } from '../e2e/screen.js';
import { labRun } from './paths.js';

// Quitting the real UI while a deploy runs on the lab hypervisor in the background: q asks y/N, enter keeps
// it running, y cancels it on the hypervisor (the remote command is gone), the audit log says cancelled, and
// mvm-tui exits 0. lab-deploy --slow takes ~15 s, time enough to ask twice.
// Build first: npx tsup. Run: npm run lab:run -- npx vitest run --project lab test/lab/deploy-quit.test.ts

const LAB_INVENTORY = labRun('inventory.yaml');
const SSH_CONFIG = labRun('ssh_config');
const run = promisify(execFile);
const home = tempHome();
const inventory = join(home.env.HOME!, 'inventory.yaml');
const audit = join(home.env.HOME!, 'audit.jsonl');
let session: PtySession | undefined;

const sh = async (cmd: string) => (await run('ssh', ['-F', SSH_CONFIG, '-o', 'LogLevel=ERROR', 'lab', '--', cmd], { timeout: 20_000 })).stdout;
const deploysLeft = async () => (await sh("pgrep -f '^/bin/bash /usr/local/sbin/lab-deploy' || true")).trim();

afterEach(() => {
  session?.kill();
  session = undefined;
});
afterAll(() => home.cleanup());

describe.skipIf(!existsSync(LAB_INVENTORY))('quitting while a deploy runs, against the lab hypervisor', () => {
  beforeAll(async () => {
    // the lab's inventory, with a slow deploy and an audit log of this test's own
    const inv = readFileSync(LAB_INVENTORY, 'utf8')
      .replace(/^auditLog: .*$/m, `auditLog: ${JSON.stringify(audit)}`)
      .replace('command: /usr/local/sbin/lab-deploy', 'command: /usr/local/sbin/lab-deploy --slow');
    expect(inv).toContain('lab-deploy --slow');
    writeFileSync(inventory, inv);
    await sh('mkdir -p /root/simple-microvm-infra; rm -f /run/lab-deploy-fail');
  });

  /** The UI with a slow deploy started and its pane closed: it runs on in the background. */
  async function deployInBackground(): Promise<PtySession> {
    writeFileSync(audit, '');
    const s = (session = await PtySession.start({ args: ['--config', inventory], cols: 140, rows: 45, env: home.env }));
    await s.waitFor('the lab grid', (scr) => (/lab\s+● reachable/.test(scr) && cardText(scr, 'vm1')?.includes('active') ? true : undefined), 30_000);
    s.press('D');
    await s.waitForText('Deploy the hypervisor lab?');
    s.press('y');
    await s.waitForText('building the system configuration...', 20_000);
    s.press('esc');
    return s;
  }

  /** The remote command is gone (closing the channel ends it) and the audit log has the cancelled deploy. */
  async function cancelledOnTheHost(): Promise<void> {
    let left = 'x';
    for (let i = 0; i < 20 && left; i++) {
      left = await deploysLeft();
      if (left) await new Promise((r) => setTimeout(r, 250));
    }
    expect(left).toBe('');
    const entries = readFileSync(audit, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries).toMatchObject([{ host: 'lab', action: 'host.deploy', command: expect.stringContaining('lab-deploy --slow'), outcome: 'cancelled' }]);
  }

  it('q asks y/N; enter keeps the deploy; q + y cancels it on the hypervisor, audits it and exits 0', async () => {
    const s = await deployInBackground();
    await s.waitForText('deploy of lab goes on in the background');
    s.press('q');
    await s.waitForText('A deploy is running on lab: quit and cancel it? y/N');
    s.press('enter');
    await s.waitFor('the question gone, mvm-tui still up', (scr) => (scr.includes('quit and cancel it?') ? undefined : true));
    expect(await deploysLeft()).not.toBe('');
    s.press('q');
    await s.waitForText('quit and cancel it? y/N');
    s.press('y');
    expect((await s.exit()).code).toBe(0);
    await cancelledOnTheHost();
  }, 120_000);

  it('a SIGTERM cancels it the same way, without asking, and still audits it before exiting 143', async () => {
    const s = await deployInBackground();
    await s.waitForText('deploy of lab goes on in the background');
    process.kill(s.programPid(), 'SIGTERM');
    expect((await s.exit()).code).toBe(143);
    await cancelledOnTheHost();
  }, 120_000);
});
