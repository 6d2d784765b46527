import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../src/config/load.js';
import { createSshTransport } from '../src/ssh/index.js';
import { PtySession } from '../test/e2e/pty.js';
import { FAULT_PORT, FAULT_UNIT, faultSshdCommand, LAB_HOST } from '../test/lab/faults-helpers.js';
import { labRun } from '../test/lab/paths.js';

// Recovery after an sshd outage (issue 23.5): the built binary in a real pty against the lab's fault sshd
// (port 2222; the lab's own sshd is not touched). For each outage the sshd unit is stopped (its sessions die
// with it), left down for the outage, started again; the time from its answering (listening) to the header
// saying `● reachable` is measured. Baseline in the same run: a fresh ssh2 connect + `true` to that sshd right
// after it answers, the least any client needs. Run: bash bench/recovery.sh (holds the lab lock; ~10 minutes).

const OUTAGES_S = (process.env.MVM_OUTAGES ?? '5,10,15,20,30,45,60,75,90,120').split(',').map(Number);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function main(): Promise<void> {
  const inventory = labRun('inventory.yaml');
  const inv = await loadInventory({ config: inventory });
  const control = createSshTransport(inv);
  const ctl = (cmd: string) => control.exec({ host: 'lab' }, cmd, { timeoutMs: 20_000 });
  const dir = mkdtempSync(join(tmpdir(), 'mvm-recovery-'));
  const known = readFileSync(labRun('known_hosts'), 'utf8');
  const key = known.split('\n').find((l) => l.startsWith(`${LAB_HOST} `))!.slice(LAB_HOST.length + 1);
  const kh = join(dir, 'known_hosts');
  writeFileSync(kh, `${known.trimEnd()}\n[${LAB_HOST}]:${FAULT_PORT} ${key}\n`);
  const file = join(dir, 'fault.yaml');
  writeFileSync(
    file,
    readFileSync(inventory, 'utf8')
      .replace(/^auditLog: .*$/m, `auditLog: ${JSON.stringify(join(dir, 'audit.jsonl'))}`)
      .replace(/^(\s+)port: 22$/m, `$1port: ${FAULT_PORT}`)
      .replace(/^(\s+)knownHostsFile: .*$/m, `$1knownHostsFile: ${JSON.stringify(kh)}`),
  );
  const faultInv = await loadInventory({ config: file });
  const header = (scr: string) => scr.split('\n').find((l) => /^\s*lab\s/.test(l)) ?? '';
  const rows: Array<{ outage: number; appMs: number; connectMs: number }> = [];
  if ((await ctl(faultSshdCommand())).code !== 0) throw new Error('fault sshd did not start');
  // the binary by the working directory (the repo root, see recovery.sh): this file runs bundled elsewhere
  const s = await PtySession.start({ command: [process.execPath, join(process.cwd(), 'bin/mvm-tui')], args: ['--config', file], cols: 160, rows: 40, env: { HOME: dir, XDG_STATE_HOME: dir, XDG_CONFIG_HOME: dir } });
  try {
    await s.waitForText(/● reachable/, 30_000);
    for (const outage of OUTAGES_S) {
      await ctl(`systemctl stop ${FAULT_UNIT}`);
      const downAt = Date.now();
      await s.waitFor('unreachable', (scr) => (/✗ unreachable/.test(header(scr)) ? true : undefined), 20_000);
      await sleep(Math.max(0, outage * 1000 - (Date.now() - downAt)));
      if ((await ctl(faultSshdCommand())).code !== 0) throw new Error('fault sshd did not start');
      const answering = Date.now();
      // baseline: a client of its own connecting the moment sshd answers (runs alongside the UI's own retries)
      const probe = createSshTransport(faultInv);
      const connect = probe.exec({ host: 'lab' }, 'true', { timeoutMs: 10_000 }).then(() => Date.now() - answering);
      await s.waitFor('reachable', (scr) => (/● reachable/.test(header(scr)) ? true : undefined), 60_000);
      const appMs = Date.now() - answering;
      const connectMs = await connect;
      await probe.close();
      rows.push({ outage, appMs, connectMs });
      console.log(`outage ${String(outage).padStart(3)} s: reachable on screen ${appMs} ms after sshd answered (a fresh connect: ${connectMs} ms)`);
      await sleep(3000);
    }
  } finally {
    s.press('q');
    await s.exit().catch(() => s.kill());
    await ctl(`systemctl stop ${FAULT_UNIT}`).catch(() => undefined);
    await control.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const app = rows.map((r) => r.appMs);
  const con = rows.map((r) => r.connectMs);
  console.log(`recovery over ${rows.length} outages of ${Math.min(...OUTAGES_S)}-${Math.max(...OUTAGES_S)} s: reachable on screen min ${Math.min(...app)} / median ${pct(app, 50)} / p90 ${pct(app, 90)} / max ${Math.max(...app)} ms after sshd answered (goal: < 5000); a fresh connect: median ${pct(con, 50)} ms`);
}

await main();
