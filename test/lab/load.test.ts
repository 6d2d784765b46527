import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/config/load.js';
import type { Inventory } from '../../src/config/types.js';
import type { HostStatus } from '../../src/model/status.js';
import type { JournalEntry } from '../../src/parsers/index.js';
import type { TailState } from '../../src/model/logs/tail-state.js';
import { tailLogs, type TailHandle } from '../../src/services/logs/tail.js';
import { StatusPoller } from '../../src/services/poller.js';
import type { Transport } from '../../src/ssh/types.js';
import { FAULT_UNIT, faultInventory, faultSshdCommand, RUN, sleep, transport, waitFor } from './faults-helpers.js';
import { gc } from '../helpers/heap.js';
import { LAB_KIND, LAB_SLOW } from './paths.js';

// Load on one connection: 10 log panes following a flood (labctl flood: numbered lines at a fixed rate)
// plus the status poller every second, against an sshd with its default MaxSessions of 10 (the fault
// sshd of faults-helpers.ts). No channel failure may surface (no tail error, no unreachable status), every
// pane gets the flood, and the heap stays bounded. LOAD_SECONDS sets the duration (bench/soak uses it).
// On lab v2's emulated guest the flood is 20 lines/s (LOAD_RATE sets it): each journalctl -f there costs many times
// what it does natively, and at 500 lines/s (or 50 with the machine at load 9) the guest's 2 CPUs saturate, panes get
// half the lines and status refreshes time out; that is the guest's speed, not the client's. There a status refresh
// takes ~2 s under the flood, so the refreshes are counted against LAB_SLOW.

const HOST = 'lab';
const PANES = 10;
const RATE = Number(process.env.LOAD_RATE ?? (LAB_KIND === 'vm' ? 20 : 500)); // lines/s written by the flood unit
const SECONDS = Number(process.env.LOAD_SECONDS ?? 40);

let control: Transport;
let finv: Inventory;
let t: Transport;
const rejections: unknown[] = [];
const onRejection = (e: unknown) => rejections.push(e);
const ctl = (cmd: string) => control.exec({ host: HOST }, cmd, { timeoutMs: 20_000 });

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  control = transport(await loadInventory({ config: join(RUN, 'inventory.yaml') }));
  finv = await faultInventory();
  const up = await ctl(faultSshdCommand());
  expect(up.code, up.stderr).toBe(0);
  await ctl(`labctl flood start ${RATE}`);
});

afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await t?.close();
  if (control) {
    await ctl('labctl flood stop').catch(() => undefined);
    await ctl(`systemctl stop ${FAULT_UNIT}`).catch(() => undefined);
    await control.close();
  }
});

describe('load on one connection', () => {
  it(`${PANES} flooding log panes and 1 s status refreshes for ${SECONDS} s: no failed channel, bounded heap`, async () => {
    t = transport(finv);
    const unit = `lab-flood@${RATE}.service`;
    const panes = Array.from({ length: PANES }, () => ({ lines: 0, last: 0, gaps: 0, run: '', states: [] as TailState[], tail: undefined as TailHandle | undefined }));
    for (const p of panes) {
      p.tail = tailLogs<JournalEntry>(
        t,
        { host: HOST, unit, follow: true, lines: 0 },
        {
          onEntries: (b) => {
            for (const e of b) {
              const n = Number(/^flood (\d+)$/.exec(e.message)?.[1]);
              if (!n) continue;
              // Numbering restarts when the flood unit is restarted (another user of the lab may do that).
              const run = String(e.fields._SYSTEMD_INVOCATION_ID ?? '');
              if (run !== p.run) [p.run, p.last] = [run, 0];
              if (p.last && n !== p.last + 1) p.gaps++;
              p.last = n;
              p.lines++;
            }
          },
          onState: (s) => p.states.push(s),
        },
      );
    }
    const statuses: HostStatus[] = [];
    const poller = new StatusPoller(t, finv, { intervalMs: 1000, probeEveryMs: 0, onStatus: (s) => statuses.push(s) });
    poller.start();
    const heap: number[] = [];
    const rss: number[] = [];
    const t0 = Date.now();
    try {
      while (Date.now() - t0 < SECONDS * 1000) {
        await sleep(1000);
        // After a full collection: what is kept, not the young generation's garbage, which V8 lets grow to
        // tens of MB under a flood (heapUsed without it once read 54 MB early and 103 MB late in CI).
        gc();
        heap.push(process.memoryUsage().heapUsed);
        rss.push(process.memoryUsage().rss);
      }
    } finally {
      poller.stop();
      for (const p of panes) p.tail!.stop();
    }
    const mb = (b: number) => (b / 2 ** 20).toFixed(1);
    const third = Math.max(1, Math.floor(heap.length / 3));
    const early = Math.max(...heap.slice(0, third));
    const late = Math.max(...heap.slice(-third));
    const streaming = panes.filter((p) => p.states.some((s) => s.status === 'streaming')).length;
    const errors = panes.flatMap((p) => p.states.filter((s) => s.status === 'reconnecting' || s.status === 'ended').map((s) => s.message));
    const lines = panes.map((p) => p.lines);
    console.log(
      `load: ${SECONDS} s, ${PANES} panes at ${RATE} lines/s: streaming ${streaming}/${PANES}; lines per pane ${Math.min(...lines)}-${Math.max(...lines)} ` +
        `(expected ~${RATE * SECONDS}); gaps ${panes.reduce((a, p) => a + p.gaps, 0)}; statuses ${statuses.length} (unreachable ${statuses.filter((s) => !s.reachable).length}); ` +
        `heap max first third ${mb(early)} MB, last third ${mb(late)} MB; rss max ${mb(Math.max(...rss))} MB; tail errors ${JSON.stringify(errors.slice(0, 3))}`,
    );
    // Every pane follows the flood, nothing surfaced as an error, the refreshes went on.
    expect(streaming).toBe(PANES);
    expect(errors).toEqual([]);
    expect(panes.map((p) => p.gaps)).toEqual(panes.map(() => 0));
    expect(Math.min(...lines)).toBeGreaterThan(RATE * SECONDS * 0.5);
    expect(statuses.length).toBeGreaterThanOrEqual(SECONDS / 2 / LAB_SLOW);
    expect(statuses.filter((s) => !s.reachable).map((s) => s.error)).toEqual([]);
    // Bounded: the heap at the end is not growing away from the start (consumers keep only counts here).
    expect(late).toBeLessThan(early * 1.5 + 20 * 2 ** 20);
    expect(rejections).toEqual([]);
    await waitFor('nothing', () => true);
  }, 600_000);
});
