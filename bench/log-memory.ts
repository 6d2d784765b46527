import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { LineSplitter } from '../src/ssh/lines.js';
import type { StreamHandlers, Transport } from '../src/ssh/types.js';
import { tailLogs } from '../src/services/logs/tail.js';
import { createStore, type Store } from '../src/store/store.js';
import { settleMemory } from './lib/memory.js';

// Memory a log pane holds under a flood, in-process (no lab): journal lines as `journalctl -o json
// --output-fields=...` prints them (built from a real lab line, cursor and message varied) arrive in 32 KiB
// chunks, as ssh2 hands a channel's data on, and go the app's way: the ssh layer's LineSplitter, the tail
// service, the store's logs/append into the pane's ring; with --ink, <LogPane> also draws it with Ink at the
// app's frame rate. The baseline, in the same process: the same number of the same lines held as plain
// strings in an array, what a ring of lines cannot weigh less than.
// Run: npm run bench -- log-memory (bundled as the app ships: production React), or the bundle itself:
// node --expose-gc log-memory.js [--lines N] [--ink] [--snapshot] [--paused] (--paused: the pane is paused once
// its ring is full, so after the flood it holds its still picture of 10,000 lines besides the live ring's). A bundle that loads React from node_modules
// without NODE_ENV=production gets its development build, which records a performance.measure per render that
// Node keeps: the last line counts them.

const CAPACITY = 10_000;
const CHUNK = 32 * 1024;
// From the repository root (bench/run.sh runs there; the bundle lives elsewhere).
const FIXTURE = 'test/fixtures/journalctl/lab-f-json-vm1-heartbeats.txt';

const arg = (name: string) => process.argv.indexOf(name);
const total = arg('--lines') > 0 ? Number(process.argv[arg('--lines') + 1]) : 1_000_000;
if (!(globalThis as { gc?: () => void }).gc) throw new Error('run with node --expose-gc');

/** The fields the tail asks for (and the four journalctl always adds), from the first real line. */
const base = (() => {
  const real = JSON.parse(readFileSync(FIXTURE, 'utf8').split('\n')[0]!) as Record<string, string>;
  const keep = ['__CURSOR', '__REALTIME_TIMESTAMP', '__MONOTONIC_TIMESTAMP', '_BOOT_ID', 'PRIORITY', '_SYSTEMD_UNIT', 'SYSLOG_IDENTIFIER', 'MESSAGE'];
  return Object.fromEntries(keep.map((k) => [k, real[k]!]));
})();
const cursor0 = base.__CURSOR!;
function line(i: number): string {
  const x = i.toString(16).padStart(8, '0');
  return JSON.stringify({ ...base, __CURSOR: cursor0.replace(/;i=[0-9a-f]+;/, `;i=${x};`).replace(/;x=[0-9a-f]+$/, `;x=${x}${x}`), MESSAGE: `flood ${i}` });
}

interface Sample {
  rss: number;
  heap: number;
  /** All of V8's spaces as committed (used or not): rss minus this minus external is native memory (malloc). */
  heapTotal: number;
  external: number;
  spaces: Record<string, { size: number; used: number }>;
  smaps?: Record<string, number>;
}
async function sample(): Promise<Sample> {
  await settleMemory();
  const m = process.memoryUsage();
  const spaces: Sample['spaces'] = {};
  for (const s of getHeapSpaceStatistics()) spaces[s.space_name] = { size: s.space_size, used: s.space_used_size };
  return { rss: m.rss, heap: m.heapUsed, heapTotal: m.heapTotal, external: m.external + m.arrayBuffers, spaces, smaps: smaps() };
}

/** Resident memory by kind of mapping (Linux): malloc's main heap, anonymous maps (V8's pages, malloc's other
 *  arenas, thread stacks), files (node's binary, libraries); LazyFree is memory freed with MADV_FREE that still counts. */
function smaps(): Record<string, number> | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return undefined;
  }
  const out: Record<string, number> = { heap: 0, anon: 0, file: 0, lazyFree: 0 };
  let kind = 'anon';
  for (const l of text.split('\n')) {
    const map = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(l);
    if (map) kind = map[1] === '[heap]' ? 'heap' : map[1]!.startsWith('/') ? 'file' : 'anon';
    else if (l.startsWith('Rss:')) out[kind]! += Number(l.split(/\s+/)[1]) * 1024;
    else if (l.startsWith('LazyFree:')) out.lazyFree! += Number(l.split(/\s+/)[1]) * 1024;
  }
  return out;
}

const MB = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
const perEntry = (b: number) => `${Math.round(b / CAPACITY)} B`;

/** <LogPane> of the store's pane drawn by Ink, as bench/log-flood.tsx draws it (loaded only with --ink). */
async function drawPane(store: Store): Promise<() => void> {
  const [{ drawLogPane }, { MAX_FPS }] = await Promise.all([import('./lib/log-pane.js'), import('../src/render-options.js')]);
  const { ink } = drawLogPane(store, 'p', MAX_FPS);
  return () => ink.unmount();
}

async function main(): Promise<void> {
  let handlers: StreamHandlers | undefined;
  const transport: Transport = {
    exec: () => Promise.reject(new Error('no exec here')),
    stream(_t, _c, h) {
      handlers = h;
      return { cancel: () => undefined, done: new Promise(() => undefined) };
    },
    state: (host) => ({ host, status: 'up', since: 0 }),
    onState: () => () => undefined,
    close: () => Promise.resolve(),
  };
  const store = createStore();
  store.dispatch({ type: 'logs/open', id: 'p', host: 'lab', unit: 'lab-flood@0.service' });
  const tail = tailLogs(transport, { host: 'lab', unit: 'lab-flood@0.service', follow: true, lines: 0 }, {
    onEntries: (entries) => store.dispatch({ type: 'logs/append', id: 'p', entries }),
  });
  const unmount = arg('--ink') > 0 ? await drawPane(store) : undefined;
  await new Promise((r) => setTimeout(r, 100));
  const splitter = new LineSplitter((l) => handlers!.onLine(l));
  let next = 0;
  let maxNew = 0;
  let maxExternal = 0;
  let maxRss = 0;
  /** n more lines, chunked; the event loop turns between chunks so the tail's batch timer fires as it would. */
  const feed = async (n: number) => {
    const end = next + n;
    while (next < end) {
      let text = '';
      while (text.length < CHUNK && next < end) text += line(next++) + '\n';
      splitter.push(Buffer.from(text));
      if (next % 2_000 < 100) {
        await new Promise((r) => setTimeout(r, 0));
        maxNew = Math.max(maxNew, getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size);
        const m = process.memoryUsage();
        maxExternal = Math.max(maxExternal, m.external + m.arrayBuffers);
        maxRss = Math.max(maxRss, m.rss);
      }
    }
    await new Promise((r) => setTimeout(r, 250)); // the last batch
  };

  const snap = (when: string) => (arg('--snapshot') > 0 ? console.log(`  heap snapshot ${when}: ${writeHeapSnapshot()}`) : undefined);
  const m0 = await sample();
  snap('at start');
  await feed(CAPACITY);
  const mFull = await sample();
  snap('ring full');
  if (arg('--paused') > 0) store.dispatch({ type: 'logs/follow', id: 'p', on: false });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await feed(total - CAPACITY);
  const cpu = process.cpuUsage(cpu0);
  const secs = (performance.now() - t0) / 1000;
  const mEnd = await sample();
  snap('after the flood');
  const pane = store.getState().logs.byId.p!;
  tail.stop();
  unmount?.();

  // Baseline: the same lines as plain strings in an array (flat copies, not views of a chunk).
  const lines: string[] = [];
  const b0 = await sample();
  for (let i = 0; i < CAPACITY; i++) lines.push(Buffer.from(line(next - CAPACITY + i)).toString());
  const b1 = await sample();

  const bytes = lines.reduce((s, l) => s + l.length, 0) / CAPACITY;
  console.log(`  (${arg('--ink') > 0 ? 'the pane drawn by Ink' : 'no drawing; --ink draws the pane'}${arg('--paused') > 0 ? '; paused once the ring was full' : ''})`);
  console.log(`  ${next.toLocaleString('en-US')} lines of ~${Math.round(bytes)} bytes fed; the pane holds ${pane.buffer.held.toLocaleString('en-US')}, ${pane.buffer.droppedByCapacity.toLocaleString('en-US')} evicted`);
  console.log(`  heap per held entry (after gc): pane ${perEntry(mFull.heap - m0.heap)} with the ring just full, ${perEntry(mEnd.heap - m0.heap)} after the flood; baseline (the line as a plain string) ${perEntry(b1.heap - b0.heap)}`);
  console.log(`  rss: ${MB(m0.rss)} at start, ${MB(mFull.rss)} ring full, ${MB(mEnd.rss)} after the flood (${MB(mEnd.rss - m0.rss)} growth); heap ${MB(m0.heap)} -> ${MB(mFull.heap)} -> ${MB(mEnd.heap)}`);
  console.log(`  CPU after the ring was full: ${((cpu.user + cpu.system) / 1000 / ((next - CAPACITY) / 100_000)).toFixed(0)} ms per 100,000 lines (${Math.round((next - CAPACITY) / secs).toLocaleString('en-US')} lines/s)`);
  console.log(`  largest new space seen during the flood: ${MB(maxNew)} (start ${MB(m0.spaces.new_space!.size)}, end after gc ${MB(mEnd.spaces.new_space!.size)})`);
  console.log('  space (size/used after gc)        start                 ring full             after the flood');
  for (const name of Object.keys(m0.spaces)) {
    const c = (s: Sample) => `${MB(s.spaces[name]?.size ?? 0)} / ${MB(s.spaces[name]?.used ?? 0)}`.padEnd(22);
    console.log(`    ${name.padEnd(30)} ${c(m0)}${c(mFull)}${c(mEnd)}`);
  }
  const native = (x: Sample) => MB(x.rss - x.heapTotal - x.external);
  console.log(`  V8 heap committed: ${MB(m0.heapTotal)} -> ${MB(mFull.heapTotal)} -> ${MB(mEnd.heapTotal)}; rss outside it and external (native, malloc): ${native(m0)} -> ${native(mFull)} -> ${native(mEnd)}`);
  const sm = (x: Sample) => (x.smaps ? `malloc heap ${MB(x.smaps.heap!)}, anonymous ${MB(x.smaps.anon!)}, files ${MB(x.smaps.file!)}, lazy-free ${MB(x.smaps.lazyFree!)}` : 'n/a');
  console.log(`  rss by mapping: start ${sm(m0)}\n                  ring full ${sm(mFull)}\n                  after ${sm(mEnd)}`);
  console.log(`  external + array buffers: ${MB(m0.external)} -> ${MB(mFull.external)} -> ${MB(mEnd.external)} (largest seen during the flood: ${MB(maxExternal)}); largest rss seen: ${MB(maxRss)}`);
  console.log(`  performance entries Node holds (measures): ${performance.getEntriesByType('measure').length.toLocaleString('en-US')}`);
}

await main();
