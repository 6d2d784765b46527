import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logsCommand } from '../../src/commands/logs.js';
import type { JournalEntry } from '../../src/parsers/index.js';
import { openRuntime, type Runtime } from '../../src/services/runtime.js';
import type { TailState } from '../../src/model/logs/tail-state.js';
import { tailLogs } from '../../src/services/logs/tail.js';
import { checkAgainstJournal, heartbeat } from './heartbeats.js';
import { labRun } from './paths.js';

// Against the lab hypervisor: follow vm1's numbered heartbeats through the real transport while the
// connection is dropped in three ways, and check that every heartbeat arrived exactly once, in order,
// and that what arrived is exactly what the journal holds. Run: npm run test:lab (after npm run lab:up).

const INVENTORY = labRun('inventory.yaml');
const HOST = 'lab';
const UNIT = 'microvm@vm1';
const DROPS = 3;

let rt: Runtime;
let wasActive = true;

const sh = (command: string) => rt.transport.exec({ host: HOST }, command, { timeoutMs: 15_000 });

async function waitFor(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}


describe.skipIf(!existsSync(INVENTORY))('logs on the lab hypervisor', () => {
  beforeAll(async () => {
    rt = await openRuntime({ config: INVENTORY, readOnly: false, demo: false, acceptNew: false });
    wasActive = (await sh(`systemctl is-active ${UNIT}`)).stdout.trim() === 'active';
    if (!wasActive) await sh(`systemctl start ${UNIT}`);
  });

  afterAll(async () => {
    if (!rt) return;
    if (!wasActive) await sh(`systemctl stop ${UNIT}`);
    await rt.close();
  });

  it(`follows vm1's heartbeats across ${DROPS} forced drops: no gap, no duplicate`, async () => {
    const got: JournalEntry[] = [];
    const states: Array<TailState & { at: number }> = [];
    // 5 s before each resume: two heartbeats or more are logged while we are away and must be caught up
    // (more than the -n 1 a restart without the cursor would fetch).
    const tail = tailLogs<JournalEntry>(
      rt.transport,
      { host: HOST, unit: UNIT, follow: true, lines: 1 },
      { onEntries: (b) => got.push(...b), onState: (s) => states.push({ ...s, at: Date.now() }) },
      { backoff: { initialMs: 5000, factor: 2, maxMs: 30_000 } },
    );
    const beats = () => got.filter(heartbeat).length;
    // This connection's sshd process: the parent of a shell it runs (it serves every channel of ours).
    const sshdPid = async () => (await sh('echo $PPID')).stdout.trim();
    const drops: Array<() => Promise<void>> = [
      // the remote journalctl exits (killed), the connection stays
      async () => void (await sh(`pkill -KILL -P ${await sshdPid()} -x journalctl`)),
      // the connection dies under us (sshd session killed hard: the socket just closes)
      async () => void (await sh(`kill -KILL ${await sshdPid()}`).catch(() => undefined)),
      // sshd session ends politely
      async () => void (await sh(`kill -TERM ${await sshdPid()}`).catch(() => undefined)),
    ];
    try {
      await waitFor('the first heartbeats', () => beats() >= 2);
      for (const drop of drops) {
        const before = beats();
        const dropsBefore = states.at(-1)?.drops ?? 0;
        await drop();
        await waitFor('the drop to be noticed', () => (states.at(-1)?.drops ?? 0) > dropsBefore);
        // Heartbeats come every 2 s: two more after the resume prove the stream is back.
        await waitFor('heartbeats after the resume', () => beats() >= before + 2);
      }
    } finally {
      tail.stop();
    }
    const seenDrops = states.filter((s) => s.status === 'reconnecting');
    expect(seenDrops.length).toBeGreaterThanOrEqual(DROPS);
    expect(seenDrops.map((s) => s.message)).toEqual([
      expect.stringMatching(/^reconnecting in 5s: stream ended by signal/),
      expect.stringMatching(/^reconnecting in 5s: connection dropped/),
      expect.stringMatching(/^reconnecting in 5s: connection dropped/),
    ]);
    // Lines logged while no stream was open (heartbeats; boot lines if another test restarts vm1) arrived after the resume.
    for (const d of seenDrops) {
      const away = got.filter((e) => Number(e.realtimeUs / 1000n) > d.at && Number(e.realtimeUs / 1000n) < d.retryAt!);
      expect(away.length).toBeGreaterThanOrEqual(2);
    }

    // No duplicate, consecutive heartbeats per runner invocation, exactly what the journal holds.
    const checked = await checkAgainstJournal(got, UNIT, sh);
    expect(checked.beats).toBeGreaterThanOrEqual(2 + DROPS * 2);
  }, 120_000);

  it('`mvm-tui logs vm1 --json -n 5` prints five JSON lines from the journal', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (d) => (stdout += String(d)));
    err.on('data', (d) => (stderr += String(d)));
    const code = await logsCommand.run({
      global: { config: INVENTORY, readOnly: true, demo: false, acceptNew: false },
      args: ['vm1'],
      values: { json: true, lines: '5' },
      stdout: out,
      stderr: err,
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const rows = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['cursor', 'message', 'priority', 'time', 'unit']);
      expect(row.unit).toBe('microvm@vm1.service');
      expect(Date.parse(row.time as string)).toBeGreaterThan(Date.parse('2026-01-01'));
    }
  });
});
