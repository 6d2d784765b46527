import { gatherScript } from '../../src/host/gather.js';
import { StatusPoller } from '../../src/services/poller.js';
import { fetchHostStatus } from '../../src/services/status.js';
import { openLab } from './lab.js';
import { writeReplayInventory } from './replay-fleet.js';

// A profiling driver, not a benchmark: N refreshes of the replay fleet (test/lab/fleet-up.sh must be up),
// for `node --cpu-prof`. Bundle and run as bench/run.sh does (esbuild, then inside the lab netns):
//   node --cpu-prof bench/out/profile-fleet.js [HOSTS] [ROUNDS] [refresh|raw|exec|poller]
// `poller`: StatusPoller at the inventory's interval for ROUNDS seconds, as the UI runs it (probes included).

const hosts = Number(process.argv[2] ?? 20);
const rounds = Number(process.argv[3] ?? 100);
const vms = Array.from({ length: 10 }, (_, i) => ({ name: `vm${i + 1}` }));
const rt = await openLab(writeReplayInventory('profile-fleet.yaml', hosts, vms));
// `exec`: the transport alone, one small command per host (the replay host refuses it at once), no parsing.
const mode = process.argv[4] ?? 'refresh';
// `raw`: the gather script's exec without parsing.
const script = gatherScript(rt.inventory.hosts[0]!);
const all = () =>
  mode === 'exec' || mode === 'raw'
    ? Promise.all(rt.inventory.hosts.map((h) => rt.transport.exec({ host: h.name }, mode === 'raw' ? script : 'echo')))
    : Promise.all(rt.inventory.hosts.map((h) => fetchHostStatus(rt.transport, h)));
if (mode === 'poller') {
  let statuses = 0;
  const poller = new StatusPoller(rt.transport, rt.inventory, { intervalMs: rt.inventory.refreshMs, onStatus: () => statuses++ });
  poller.start();
  await new Promise((r) => setTimeout(r, 3_000));
  statuses = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, rounds * 1000));
  const c = process.cpuUsage(c0);
  const wall = performance.now() - t0;
  poller.stop();
  const pct = (us: number) => `${((us / 1000 / wall) * 100).toFixed(2)}%`;
  console.log(`StatusPoller, ${hosts} hosts, ${(wall / 1000).toFixed(0)} s: ${pct(c.user + c.system)} of a core (user ${pct(c.user)}, system ${pct(c.system)}), ${statuses} statuses`);
  await rt.transport.close();
  process.exit(0);
}
await all();
const c0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < rounds; i++) await all();
const c = process.cpuUsage(c0);
console.log(`${rounds} refreshes of ${hosts} hosts: ${((performance.now() - t0) / rounds).toFixed(1)} ms each, CPU ${((c.user + c.system) / 1000 / rounds).toFixed(1)} ms each`);
await rt.transport.close();
