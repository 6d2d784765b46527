import './netns-guard.js';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PtySession, selectedVm } from '../e2e/pty.js';
import { cardText, tempHome } from '../e2e/screen.js';
import { LAB_SLOW, labRun } from './paths.js';

// The built binary in a real pseudo-terminal against the lab hypervisor, whose inventory points deploy at
// /usr/local/sbin/lab-deploy (remote mode) and the runner update at lab-update-runner: D streams the
// build-like lines and ends ok with exit 0; u on vm3 flips its runner, the card says RESTART NEEDED, and the
// restart offered in the pane clears it (checked in the hypervisor's own links over OpenSSH).
// Build first: npx tsup. Run: npm run lab:run -- npx vitest run --project lab test/lab/deploy-ui.test.ts

const INVENTORY = labRun('inventory.yaml');
const SSH_CONFIG = labRun('ssh_config');
const run = promisify(execFile);
const home = tempHome();
let session: PtySession | undefined;

async function sh(cmd: string): Promise<string> {
  const { stdout } = await run('ssh', ['-F', SSH_CONFIG, '-o', 'LogLevel=ERROR', 'lab', '--', cmd], { timeout: 20_000 });
  return stdout;
}

const links = async (vm: string) => (await sh(`readlink /var/lib/microvms/${vm}/current; readlink /var/lib/microvms/${vm}/booted`)).trim().split('\n');

afterEach(() => {
  session?.kill();
  session = undefined;
});
afterAll(() => home.cleanup());

async function start(): Promise<PtySession> {
  session = await PtySession.start({ args: ['--config', INVENTORY], cols: 140, rows: 45, env: home.env });
  await session.waitFor('the lab grid', (scr) => (/lab\s+● reachable/.test(scr) && cardText(scr, 'vm1')?.includes('active') ? true : undefined), 30_000);
  return session;
}

describe.skipIf(!existsSync(INVENTORY))('deploy and runner update in the UI against the lab hypervisor', () => {
  // the flake checkout the commands run in (the inventory's default remoteFlake); the lab has no Nix to fill it
  beforeAll(() => sh('mkdir -p /root/simple-microvm-infra'));

  it('D + confirm streams the deploy with a running timer and ends ok with exit 0', async () => {
    await sh('rm -f /run/lab-deploy-fail');
    const s = await start();
    s.press('D');
    const dialog = await s.waitForText('Deploy the hypervisor lab?');
    expect(dialog).toContain('/usr/local/sbin/lab-deploy');
    s.press('y');
    const running = await s.waitForText(/these 4 derivations will be built:/, 20_000);
    expect(running).toMatch(/deploy of lab (running|cancelling) \d+s/);
    const done = await s.waitForText(/ok deploy of lab exit 0 in \d+\.\d s/, 60_000);
    expect(done).toContain('building the system configuration...');
    expect(done).toMatch(/Done\. The new configuration is \/nix\/store\/\S+-nixos-system-hypervisor-25\.05/);
    expect(done).not.toContain('FAILED');
    s.press('q');
    expect((await s.exit()).code).toBe(0);
  }, 120_000);

  it('a failing deploy says FAILED with exit 1 and keeps its error lines; Ctrl-C + y cancels a running one on the hypervisor', async () => {
    await sh('touch /run/lab-deploy-fail');
    try {
      const s = await start();
      s.press('D');
      await s.waitForText('Deploy the hypervisor lab?');
      s.press('y');
      const failed = await s.waitForText(/FAILED deploy of lab exit 1 after \d+\.\d s/, 60_000);
      expect(failed).toContain('> lab: deploy failure requested');
      expect(failed).toMatch(/deploy of lab: FAILED, failed with exit code 1/);
    } finally {
      await sh('rm -f /run/lab-deploy-fail');
    }
    const s = session!;
    // one key at a time: esc followed at once by D reads as alt-D
    s.press('esc');
    await s.waitFor('the pane closed', (scr) => (scr.includes('FAILED deploy of lab') ? undefined : true));
    s.press('D');
    await s.waitForText('Deploy the hypervisor lab?');
    s.press('y');
    await s.waitForText('these 4 derivations will be built:', 20_000);
    s.press('ctrl-c');
    await s.waitForText('Cancel the deploy of lab?');
    s.press('y');
    const cancelled = await s.waitForText(/CANCELLED deploy of lab after \d+\.\d s/, 20_000);
    expect(cancelled).not.toContain('Done. The new configuration');
    // the channel's close ended the command on the hypervisor
    let left = 'x';
    for (let i = 0; i < 20 && left; i++) {
      left = (await sh("pgrep -f '^/bin/bash /usr/local/sbin/lab-deploy' || true")).trim();
      if (left) await new Promise((r) => setTimeout(r, 250));
    }
    expect(left).toBe('');
    s.press('q');
    expect((await s.exit()).code).toBe(0);
  }, 120_000);

  it('u on vm3 flips its runner (RESTART NEEDED on the card); r in the pane restarts it and clears that', async () => {
    const [cur0, booted0] = await links('vm3');
    expect(cur0).toBe(booted0); // a lab left outdated by another run would make this test meaningless
    const s = await start();
    s.press('right', 'right');
    await s.waitFor('vm3 selected', (scr) => (selectedVm(scr) === 'vm3' ? true : undefined));
    s.press('u');
    const dialog = await s.waitForText('Update the runner of vm3 on lab?');
    expect(dialog).toContain('lab-update-runner');
    s.press('y');
    await s.waitForText(/ok runner update of vm3 on lab exit 0/, 60_000);
    await s.waitForText('restart needed: vm3', 20_000);
    const [cur1, booted1] = await links('vm3');
    expect(cur1).not.toBe(cur0);
    expect(booted1).toBe(booted0);
    // Seen 0-2 ms after the links read above; once, in a whole lab run on the VM, not within 30 s (cause not found):
    // the limit is the container's, times LAB_SLOW, so the whole read (every 30 s) brings it at the latest.
    await s.waitFor('RESTART NEEDED on vm3', (scr) => (cardText(scr, 'vm3')?.includes('RESTART NEEDED') ? true : undefined), 30_000 * LAB_SLOW);
    s.press('r');
    await s.waitForText('Restart vm3 now to apply it?');
    s.press('y');
    await s.waitForText(/restarted vm3 on lab: the update is applied/, 90_000);
    const [cur2, booted2] = await links('vm3');
    expect(cur2).toBe(cur1);
    expect(booted2).toBe(cur2);
    await s.waitFor('RESTART NEEDED gone from vm3', (scr) => (cardText(scr, 'vm3') !== undefined && !cardText(scr, 'vm3')!.includes('RESTART NEEDED') ? true : undefined), 30_000);
    s.press('q');
    expect((await s.exit()).code).toBe(0);
  }, 240_000);
});
