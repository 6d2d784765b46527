import { EventEmitter } from 'node:events';
import { render } from 'ink';
import { journalctlCommand } from '../src/host/journal.js';
import { tailLogs } from '../src/services/logs/tail.js';
import type { Runtime } from '../src/services/runtime.js';
import { createStore } from '../src/store/store.js';
import { LogPane } from '../src/views/LogPane.js';
import { openLab, labSh } from './lib/lab.js';
import { median, ms, p95, ratio, sleep, table, target } from './lib/stats.js';

// 4. Log flood: lines/s a log pane sustains (tail -> 50 ms batches -> store -> rendered pane) against the
// raw line rate of the same `journalctl -o json -f` over the same connection, both on the lab's flat-out
// flood at once; then key-to-frame latency of a pane under that flood against the same with no flood.

const FLOOD_SECONDS = 8;
const KEY_PRESSES = 40;

class FakeStdout extends EventEmitter {
  columns = 120;
  rows = 40;
  isTTY = true;
  frames = 0;
  last = '';
  write = (s: string) => {
    this.frames++;
    this.last = s;
    this.emit('frame', s);
    return true;
  };
}

/** A store with one log pane, drawn by Ink into a fake 120x40 terminal at most 30 times a second. */
function paneOnScreen() {
  const store = createStore();
  const id = 'bench';
  store.dispatch({ type: 'logs/open', id, host: 'lab', unit: 'lab-flood' });
  const out = new FakeStdout();
  const Pane = () => {
    const p = store.getState().logs.byId[id]!;
    return <LogPane pane={p} width={120} height={38} focused />;
  };
  const ink = render(<Pane />, { stdout: out as unknown as NodeJS.WriteStream, patchConsole: false, exitOnCtrlC: false, maxFps: 30 });
  const off = store.subscribe(() => ink.rerender(<Pane />));
  return { store, id, out, close: () => (off(), ink.unmount()) };
}

async function floodRates(rt: Runtime, host: string, unit: string) {
  // Baseline: the raw stream, lines counted and thrown away.
  let raw = 0;
  const rawStream = rt.transport.stream({ host }, journalctlCommand({ unit, follow: true, lines: 0 }), { onLine: () => void raw++ });
  // mvm-tui: parse, dedupe, batch, reduce into the pane's ring buffer, render.
  const screen = paneOnScreen();
  let entries = 0;
  let batches = 0;
  let lastUs = 0n;
  const tail = tailLogs(rt.transport, { host, unit, follow: true, lines: 0 }, {
    onEntries: (b) => {
      entries += b.length;
      batches++;
      lastUs = b[b.length - 1]!.realtimeUs;
      screen.store.dispatch({ type: 'logs/append', id: screen.id, entries: b });
    },
  });
  await sleep(1000); // both streams open
  const [raw0, ent0, t0] = [raw, entries, performance.now()];
  await sleep(FLOOD_SECONDS * 1000);
  const secs = (performance.now() - t0) / 1000;
  const lagMs = Date.now() - Number(lastUs / 1000n);
  const result = { raw: (raw - raw0) / secs, app: (entries - ent0) / secs, batches, frames: screen.out.frames, lagMs, held: screen.store.getState().logs.byId[screen.id]!.buffer.held };
  tail.stop();
  rawStream.cancel();
  screen.close();
  return result;
}

/** ms from a scroll key (as the controller dispatches it) to the first frame that shows it. */
async function keyLatency(rt: Runtime, host: string, unit: string): Promise<number[]> {
  const screen = paneOnScreen();
  const tail = tailLogs(rt.transport, { host, unit, follow: true, lines: 1000 }, { onEntries: (b) => screen.store.dispatch({ type: 'logs/append', id: screen.id, entries: b }) });
  await sleep(1500);
  const out: number[] = [];
  for (let i = 0; i < KEY_PRESSES; i++) {
    const want = i % 2 === 0 ? 'PAUSED' : 'FOLLOW';
    const t0 = performance.now();
    const seen = new Promise<void>((res) => {
      const on = (s: string) => {
        if (s.includes(want)) {
          screen.out.off('frame', on);
          res();
        }
      };
      screen.out.on('frame', on);
    });
    screen.store.dispatch(i % 2 === 0 ? { type: 'logs/scroll', id: screen.id, delta: 5 } : { type: 'logs/end', id: screen.id });
    await Promise.race([seen, sleep(5000)]);
    out.push(performance.now() - t0);
    await sleep(50);
  }
  tail.stop();
  screen.close();
  return out;
}

export async function benchLogs(): Promise<void> {
  const rt = await openLab();
  const host = rt.inventory.hosts[0]!.name;
  const unit = 'lab-flood@0';
  try {
    const quiet = await keyLatency(rt, host, unit); // the flood is not running: the unit is silent
    await labSh(rt, 'labctl flood start 0');
    const r = await floodRates(rt, host, unit);
    const busy = await keyLatency(rt, host, unit);
    console.log(
      table([
        ['', 'lines/s', 'vs raw'],
        ['raw journalctl -o json --output-fields -f (count only)', r.raw.toFixed(0), '1.0x'],
        ['log pane (parse, batch, store, render)', r.app.toFixed(0), ratio(r.app, r.raw)],
      ]),
    );
    console.log(`  pane: ${r.batches} store updates, ${r.frames} frames, ${r.held} lines held (capacity-bounded), lag at the end ${ms(r.lagMs)}`);
    console.log(
      table([
        ['key -> frame', 'median', 'p95'],
        ['no flood', ms(median(quiet)), ms(p95(quiet))],
        ['under flood', ms(median(busy)), ms(p95(busy))],
      ]),
    );
    console.log(target('pane keeps up with the raw stream (>= 0.9x)', r.app >= 0.9 * r.raw));
    console.log(target('key -> frame under flood p95 < 100 ms', p95(busy) < 100));
  } finally {
    await labSh(rt, 'labctl flood stop').catch(() => '');
    await rt.close();
  }
}
