import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/config/load.js';
import type { Inventory } from '../../src/config/types.js';
import type { HostStatus } from '../../src/model/status.js';
import type { JournalEntry } from '../../src/parsers/index.js';
import type { TailState } from '../../src/model/logs/tail-state.js';
import { tailLogs, type TailHandle } from '../../src/services/logs/tail.js';
import { StatusPoller } from '../../src/services/poller.js';
import type { ConnState } from '../../src/model/connection.js';
import type { Transport } from '../../src/ssh/types.js';
import { checkAgainstJournal as checkJournal, heartbeat } from './heartbeats.js';
import { blackhole, FAULT_UNIT, faultInventory, faultSshdCommand, RUN, sleep, transport, waitFor } from './faults-helpers.js';

// Connection faults against the lab, on a connection of our own (see faults-helpers.ts for how each fault
// is made): a hanging command, 20 forced drops of four kinds while vm1's numbered heartbeats are followed,
// and a 15 s power-off of the server mid-session with the status poller running. Each time: no unhandled
// rejection, the state goes down and back up by itself with growing delays, the poller keeps its last
// data (reachable false, updatedAt = its age), the tail resumes from its cursor with nothing lost or
// repeated, and close() returns promptly even while the server is silent.

const HOST = 'lab';
const UNIT = 'microvm@vm1';
const DROPS = 20;

let control: Transport; // port 22, never faulted: sets faults up and reads the journal's truth
let finv: Inventory;
const opened: Transport[] = [];
const rejections: unknown[] = [];
const onRejection = (e: unknown) => rejections.push(e);

const ctl = (cmd: string) => control.exec({ host: HOST }, cmd, { timeoutMs: 20_000 });

function open(backoff = { baseMs: 300, maxMs: 4000 }): Transport {
  const t = transport(finv, { backoff });
  opened.push(t);
  return t;
}

const checkAgainstJournal = (got: JournalEntry[]) => checkJournal(got, UNIT, ctl);

function follow(t: Transport) {
  const got: JournalEntry[] = [];
  const states: Array<TailState & { at: number }> = [];
  const tail: TailHandle = tailLogs<JournalEntry>(
    t,
    { host: HOST, unit: UNIT, follow: true, lines: 1 },
    { onEntries: (b) => got.push(...b), onState: (s) => states.push({ ...s, at: Date.now() }) },
    { backoff: { initialMs: 500, factor: 2, maxMs: 4000 } },
  );
  return { got, states, tail, beats: () => got.filter(heartbeat).length, drops: () => states.at(-1)?.drops ?? 0 };
}

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  const inv = await loadInventory({ config: join(RUN, 'inventory.yaml') });
  control = transport(inv);
  finv = await faultInventory();
  await blackhole(false, ctl);
  const up = await ctl(faultSshdCommand());
  expect(up.code, up.stderr).toBe(0);
  if ((await ctl(`systemctl is-active ${UNIT}`)).stdout.trim() !== 'active') await ctl(`systemctl start ${UNIT}`);
});

afterAll(async () => {
  await blackhole(false, ctl);
  process.off('unhandledRejection', onRejection);
  for (const t of opened) await t.close();
  if (control) {
    await ctl(`systemctl stop ${FAULT_UNIT}`).catch(() => undefined);
    await control.close();
  }
});

describe('connection faults on the lab', () => {
  it('a command that hangs forever times out, is killed on the host, and the connection stays usable', async () => {
    const t = open();
    const t0 = Date.now();
    const r = await t.exec({ host: HOST }, 'sleep 987654', { timeoutMs: 1500 });
    expect(r).toMatchObject({ timedOut: true, code: null });
    expect(Date.now() - t0).toBeLessThan(4000);
    expect((await t.exec({ host: HOST }, 'echo still-here')).stdout).toBe('still-here\n');
    await waitFor('the remote sleep to be gone', () => true);
    await sleep(1500); // kill.ts: TERM, then KILL within ~1 s
    expect((await ctl('pgrep -xf "sleep 987654" || true')).stdout.trim()).toBe('');
    expect(t.state(HOST).status).toBe('up');
    expect(rejections).toEqual([]);
  });

  it(`follows vm1's heartbeats across ${DROPS} forced drops of four kinds: none lost, none repeated`, async () => {
    const t = open();
    const f = follow(t);
    const conn: Array<ConnState & { at: number }> = [];
    t.onState((s) => conn.push({ ...s, at: Date.now() }));
    const sh = (cmd: string) => t.exec({ host: HOST }, cmd, { timeoutMs: 10_000 });
    const sshdPid = async () => (await sh('echo $PPID')).stdout.trim();
    const kinds: Array<[string, () => Promise<void>]> = [
      ['journalctl killed', async () => void (await sh(`pkill -KILL -P ${await sshdPid()} -x journalctl`))],
      ['connection cut (session sshd killed)', async () => void (await sh(`kill -KILL ${await sshdPid()}`).catch(() => undefined))],
      ['sshd restarted', async () => void (await ctl(`systemctl restart ${FAULT_UNIT}`))],
      [
        'network down 6 s',
        async () => {
          await blackhole(true, ctl);
          await sleep(6000);
          await blackhole(false, ctl);
        },
      ],
    ];
    const timings: Record<string, number[]> = {};
    try {
      await waitFor('the first heartbeats', () => f.beats() >= 2);
      for (let i = 0; i < DROPS; i++) {
        const [kind, drop] = kinds[i % kinds.length]!;
        await waitFor('the connection', () => t.state(HOST).status === 'up' && f.states.at(-1)?.status === 'streaming', 30_000);
        const before = f.beats();
        const dropsBefore = f.drops();
        const t0 = Date.now();
        await drop();
        await waitFor(`the drop (${kind}) to be noticed`, () => f.drops() > dropsBefore, 20_000);
        // Heartbeats come every 2 s: two more after the resume prove the stream is back and caught up.
        await waitFor(`heartbeats after ${kind}`, () => f.beats() >= before + 2, 30_000);
        (timings[kind] ??= []).push(Date.now() - t0);
      }
    } finally {
      f.tail.stop();
    }
    console.log(`faults: ${DROPS} drops, drop-to-2-heartbeats-later ms by kind: ${JSON.stringify(timings)}`);
    expect(f.drops()).toBeGreaterThanOrEqual(DROPS);
    const { beats } = await checkAgainstJournal(f.got);
    console.log(`faults: ${beats} heartbeats received once each across ${f.drops()} drops (${f.got.length} entries)`);
    expect(beats).toBeGreaterThanOrEqual(2 + DROPS * 2);
    // The connection itself went down and came back by itself for every kind but the journalctl kill.
    const downs = conn.filter((s) => s.status === 'down').length;
    expect(downs).toBeGreaterThanOrEqual((DROPS * 3) / 4);
    expect(rejections).toEqual([]);
  }, 600_000);

  it('a 15 s power-off mid-session: down with the age of its data, fails fast, backs off, comes back, tail resumes', async () => {
    const t = open();
    const f = follow(t);
    const statuses: Array<HostStatus & { at: number }> = [];
    const poller = new StatusPoller(t, finv, { intervalMs: 1000, probeEveryMs: 0, timeoutMs: 5000, maxBackoffMs: 4000, onStatus: (s) => statuses.push({ ...s, at: Date.now() }) });
    const conn: Array<ConnState & { at: number }> = [];
    t.onState((s) => conn.push({ ...s, at: Date.now() }));
    poller.start();
    try {
      await waitFor('a first status and heartbeats', () => statuses.some((s) => s.reachable) && f.beats() >= 2);
      // Power off: every packet to the server vanishes and its sessions die with it.
      const tOff = Date.now();
      await blackhole(true, ctl);
      await ctl(`systemctl stop ${FAULT_UNIT}`);
      await waitFor('the connection to be seen down', () => t.state(HOST).status === 'down', 15_000);
      const noticedMs = Date.now() - tOff;
      await waitFor('a stale status', () => statuses.at(-1)?.reachable === false, 15_000);
      const stale = statuses.at(-1)!;
      // The last data is kept, with the time it was read: the UI shows its age, not an empty grid.
      expect(Date.parse(stale.updatedAt!)).toBeLessThanOrEqual(tOff);
      expect(stale.vms.find((v) => v.name === 'vm1')?.active).toBe('active');
      expect(stale.error).toBeTruthy();
      // While down, a command fails instead of hanging the caller (at worst it joins a connect attempt).
      const execTimes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = Date.now();
        await expect(t.exec({ host: HOST }, 'true', { timeoutMs: 10_000 })).rejects.toMatchObject({ name: 'SshError' });
        execTimes.push(Date.now() - t0);
        await sleep(700);
      }
      await sleep(Math.max(0, 15_000 - (Date.now() - tOff)));
      // Power back on.
      await ctl(faultSshdCommand());
      await blackhole(false, ctl);
      const tOn = Date.now();
      await waitFor('the connection to come back by itself', () => t.state(HOST).status === 'up', 20_000);
      const backMs = Date.now() - tOn;
      await waitFor('a fresh status', () => statuses.at(-1)?.reachable === true && statuses.at(-1)!.at > tOn, 20_000);
      await waitFor('heartbeats after the outage', () => f.got.some((e) => Number(e.realtimeUs / 1000n) > tOn + 2000), 30_000);
      // Reconnect attempts while down, with growing delays (jitter is +-20%, the factor 2, the ceiling 4 s).
      const delays = conn.filter((s) => s.status === 'down' && s.at >= tOff && s.at <= tOn && s.retryAt).map((s) => s.retryAt! - s.at);
      console.log(`faults: power-off 15 s: noticed after ${noticedMs} ms; exec while down ${execTimes.join('/')} ms; retry delays ${delays.join(', ')} ms; back ${backMs} ms after power-on`);
      expect(noticedMs).toBeLessThan(8000);
      expect(Math.max(...execTimes)).toBeLessThan(4000);
      expect(delays.length).toBeGreaterThanOrEqual(3);
      // The first two are both the base delay: the drop itself (failures reset), then the first failed attempt.
      for (let i = 2; i < delays.length && delays[i - 1]! < 3000; i++) expect(delays[i]!).toBeGreaterThan(delays[i - 1]! * 1.2);
      expect(Math.max(...delays)).toBeLessThanOrEqual(4000 * 1.2 + 50);
      expect(backMs).toBeLessThan(4000 * 1.2 + 4000);
    } finally {
      poller.stop();
      f.tail.stop();
      await blackhole(false, ctl);
    }
    await checkAgainstJournal(f.got);
    expect(rejections).toEqual([]);
  }, 180_000);

  it('close() returns promptly while the server is silent, and with streams open', async () => {
    await ctl(faultSshdCommand());
    const t = open();
    const f = follow(t);
    await waitFor('heartbeats', () => f.beats() >= 1);
    await blackhole(true, ctl);
    try {
      // Not yet noticed: the client still thinks it is up.
      const t0 = Date.now();
      f.tail.stop();
      await t.close();
      const silentMs = Date.now() - t0;
      // And once it is known to be down.
      const t2 = open();
      await t2.exec({ host: HOST }, 'true').catch(() => undefined);
      const t1 = Date.now();
      await t2.close();
      const downMs = Date.now() - t1;
      console.log(`faults: close() while silent ${silentMs} ms, while down ${downMs} ms`);
      expect(silentMs).toBeLessThan(2000);
      expect(downMs).toBeLessThan(2000);
    } finally {
      await blackhole(false, ctl);
    }
    expect(rejections).toEqual([]);
  }, 60_000);
});
