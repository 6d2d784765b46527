import { readFileSync } from 'node:fs';
import { render } from 'ink';
import { App } from '../src/app.js';
import { resolveInventory } from '../src/config/resolve.js';
import { inventorySchema } from '../src/config/schema.js';
import { createController, registerCoreHandlers } from '../src/controller/index.js';
import { splitSections } from '../src/host/gather.js';
import { buildKeymap } from '../src/keymap/index.js';
import { MAX_FPS } from '../src/render-options.js';
import type { HostStatus } from '../src/model/status.js';
import { hostStatusFromSections } from '../src/parsers/status-assemble.js';
import { createStore } from '../src/store/index.js';
import { FakeStdin, FakeStdout } from './lib/fake-tty.js';

// One side of bench/frame-cost.sh: the whole UI (store, React, Ink) on a 160x50 screen of HOSTS hosts made of
// the lab's real gather output, fed a report round every 100 ms. Prints the CPU of one round when a VM's
// memory changed (a frame) and when nothing did (no frame), as JSON. Statuses are parsed before the clock
// starts: this measures what happens after the poller, not the parsers. Run from the repository root.

const hosts = Number(process.argv[2] ?? 20);
const rounds = Number(process.argv[3] ?? 100);
const sections = splitSections(readFileSync('test/fixtures/gather/lab-baseline.txt', 'utf8'));
const vms = ['vm1', 'vm2', 'vm3', 'vm4', 'vm5'].map((name) => ({ name }));
const inv = resolveInventory(inventorySchema.parse({ hosts: Array.from({ length: hosts }, (_, i) => ({ name: `hv${i + 1}`, ssh: { hostname: `hv${i + 1}.invalid`, user: 'root' }, vms })) }), 'bench/frame-cost.tsx');
const store = createStore();
store.dispatch({ type: 'hosts/init', hosts: inv.hosts.map((h) => ({ name: h.name, vms: h.vms.map((v) => ({ name: v.name, role: v.role, unit: v.unit })) })) });
const keymap = buildKeymap({});
const controller = createController({ store, keymap });
registerCoreHandlers(controller);
const out = new FakeStdout(160, 50);
const ink = render(<App services={{ store, controller, keymap }} />, { stdout: out as unknown as NodeJS.WriteStream, stdin: new FakeStdin() as unknown as NodeJS.ReadStream, patchConsole: false, exitOnCtrlC: false, maxFps: MAX_FPS });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fresh statuses for every host, as the poller sends them; `memory` changes one VM's memory on hv1. */
const reports = (memory?: number): HostStatus[] =>
  inv.hosts.map((h, i) => {
    const hs = hostStatusFromSections(h, sections, { now: Date.now() });
    return i === 0 && memory !== undefined ? { ...hs, vms: hs.vms.map((v, k) => (k === 0 ? { ...v, memoryBytes: memory } : v)) } : hs;
  });

async function measure(change: boolean): Promise<{ msPerRound: number; writes: number }> {
  const batches = Array.from({ length: rounds }, (_, i) => reports(change ? ((i % 2) + 1) * 2 ** 29 : undefined));
  const w0 = out.writes;
  const c0 = process.cpuUsage();
  for (const batch of batches) {
    for (const status of batch) store.dispatch({ type: 'hosts/status', status, at: Date.now() });
    await sleep(100);
  }
  const c = process.cpuUsage(c0);
  return { msPerRound: (c.user + c.system) / 1000 / rounds, writes: out.writes - w0 };
}

for (let i = 0; i < 10; i++) {
  for (const status of reports()) store.dispatch({ type: 'hosts/status', status, at: Date.now() });
  await sleep(50);
}
const idle = await measure(false);
const frame = await measure(true);
ink.unmount();
console.log(JSON.stringify({ hosts, rounds, idle, frame }));
process.exit(0);
