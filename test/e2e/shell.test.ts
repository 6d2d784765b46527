import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cardText, sessionPerTest } from './screen.js';

// `H` and `s` hand the terminal to OpenSSH. In the demo, H opens a working shell on the demo hypervisor (a pty
// and a prompt), s one on the selected VM through it; a shell that fails leaves ssh's reason on the screen until a key is pressed.

const { home, start: spawn } = sessionPerTest();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('shells', () => {
  it('the demo: H opens an interactive shell with a prompt that runs commands; exit comes back to the grid', async () => {
    const s = await spawn({ args: ['--demo'], cols: 100, rows: 30, env: home.env });
    await s.waitFor('the grid', (scr) => (cardText(scr, 'vm1') ? true : undefined), 30_000);
    s.press('H');
    await s.waitForText('[root@hypervisor:~]#', 15_000);
    s.press('hostname\r');
    await s.waitForText(/hostname\s*\n\s*hypervisor\s*\n\[root@hypervisor:~\]#/);
    s.press('systemctl is-active microvm@vm1\r');
    await s.waitForText(/is-active microvm@vm1\s*\n\s*active/);
    s.press('exit\r');
    await s.waitFor('the grid again', (scr) => (cardText(scr, 'vm1') ? true : undefined), 15_000);
    expect(await s.screenText()).not.toContain('press any key');
  });

  it('the demo: s opens a shell on the selected VM through the hypervisor; its commands run on that VM; exit comes back to the grid', async () => {
    const s = await spawn({ args: ['--demo'], cols: 100, rows: 30, env: home.env });
    await s.waitFor('the grid', (scr) => (cardText(scr, 'vm1') ? true : undefined), 30_000);
    s.press('j'); // vm3, below vm1
    await s.waitFor('vm3 selected', (scr) => (/║> vm3\b/.test(scr) ? true : undefined));
    s.press('s');
    await s.waitForText('[root@vm3:~]#', 15_000);
    s.press('cat /etc/hostname /nope\r');
    await s.waitForText(/\/nope\s*\n\s*vm3\s*\ncat: \/nope: No such file or directory\s*\n\[root@vm3:~\]#/);
    s.press('hostname\r');
    await s.waitForText(/hostname\s*\n\s*vm3\s*\n\[root@vm3:~\]#/);
    s.press('exit\r'); // with the last command's status, 0
    const screen = await s.waitFor('the grid again', (scr) => (cardText(scr, 'vm3') && /shell on vm3 on demo ended/.test(scr) ? scr : undefined), 15_000);
    expect(screen).not.toContain('press any key');
  });

  it('a shell that fails (connection refused) shows ssh\'s error and waits for a key before the UI returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mvm-tui-shell-'));
    try {
      const config = join(dir, 'config.yaml');
      writeFileSync(config, 'hosts:\n  - name: nowhere\n    ssh: {hostname: 127.0.0.1, port: 1, user: root}\n    vms: [{name: vm1}]\n');
      const s = await spawn({ args: ['--config', config], cols: 100, rows: 30, env: home.env });
      await s.waitFor('the grid', (scr) => (cardText(scr, 'vm1') ? true : undefined), 30_000);
      s.press('H');
      await s.waitForText(/Connection refused[\s\S]*exit 255; press any key to return/, 15_000);
      await sleep(1000);
      expect(await s.screenText()).toMatch(/Connection refused/); // still readable
      s.press('x');
      await s.waitFor('the grid again', (scr) => (cardText(scr, 'vm1') ? true : undefined), 15_000);
      s.press('q');
      expect((await s.exit()).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
