import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Inventory } from '../src/config/types.js';
import type { Runtime } from '../src/services/runtime.js';
import { StatusPoller } from '../src/services/poller.js';
import { fetchHostStatus } from '../src/services/status.js';
import { gatherSections, renderGatherScript } from '../src/host/gather.js';
import type { Transport } from '../src/ssh/types.js';
import { INVENTORY, OUT } from './lib/env.js';
import { openLab } from './lib/lab.js';
import { median, ms, p95, ratio, sleep, table, target, timed } from './lib/stats.js';

// 5. Fleet: 20 hypervisors x 10 VMs vs. one. Simulated: an inventory that lists the lab hypervisor 20 times
// under different names (each its own ssh2 connection), each with vm1..vm10, where vm1..vm5 are the lab's
// and vm6..vm10 do not exist (units not found, no runner links, probes fail at once: no route). All 20
// refreshes run on the same 2-core lab box, so its CPU is shared 20 ways: a real fleet is 20 machines.
// Then the app's CPU share with StatusPoller at its default interval for 30 s.

const HOSTS = 20;
const VMS = 10;
const ROUNDS = 10;
const CPU_MS = 30_000;

function writeInventory(name: string, hosts: number): string {
  const inv = parse(readFileSync(INVENTORY, 'utf8')) as { hosts: Array<Record<string, unknown>> };
  const lab = inv.hosts[0]!;
  const vms = Array.from({ length: VMS }, (_, i) => ({ name: `vm${i + 1}` }));
  inv.hosts = Array.from({ length: hosts }, (_, i) => ({ ...lab, name: `lab${String(i + 1).padStart(2, '0')}`, vms }));
  const path = join(OUT, name);
  writeFileSync(path, `# Written by bench/fleet.ts: the lab hypervisor listed ${hosts} time(s), ${VMS} VMs each.\n${stringify(inv)}`);
  return path;
}

const refreshAll = (rt: Runtime) => Promise.all(rt.inventory.hosts.map((h) => fetchHostStatus(rt.transport, h)));

async function cpuShare(inv: Inventory, rt: Runtime): Promise<{ share: number; statuses: number; intervalMs: number }> {
  let statuses = 0;
  const poller = new StatusPoller(rt.transport, inv, { intervalMs: inv.refreshMs, onStatus: () => statuses++ });
  poller.start();
  await sleep(3_000); // connections up, first probes done
  statuses = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(CPU_MS);
  const c = process.cpuUsage(c0);
  const wall = performance.now() - t0;
  poller.stop();
  return { share: (c.user + c.system) / 1000 / wall, statuses, intervalMs: inv.refreshMs };
}

export async function benchFleet(): Promise<void> {
  const fleet = await openLab(writeInventory('fleet-20x10.yaml', HOSTS));
  const one = await openLab(writeInventory('fleet-1x10.yaml', 1));
  try {
    await refreshAll(fleet); // 20 connections up
    await refreshAll(one);
    const f: number[] = [];
    const s: number[] = [];
    const clientCpu: number[] = [];
    let unreachable = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const a = await timed(() => refreshAll(one));
      s.push(a.ms);
      const c0 = process.cpuUsage();
      const b = await timed(() => refreshAll(fleet));
      const c = process.cpuUsage(c0);
      clientCpu.push((c.user + c.system) / 1000);
      unreachable += b.value.filter((h) => !h.reachable).length;
      f.push(b.ms);
    }
    // The client's share alone: every host's script replaced by `cat` of one recorded output, so the lab
    // box does next to nothing and what is left is ssh2, 20 channels and parsing here.
    const recorded = '/tmp/mvm-bench-gather.txt';
    const script = renderGatherScript(gatherSections(fleet.inventory.hosts[0]!));
    await fleet.transport.exec({ host: fleet.inventory.hosts[0]!.name }, `{\n${script}} > ${recorded} 2>&1`);
    const replay = (t: Transport): Transport => ({ ...t, exec: (target, _cmd, o) => t.exec(target, `cat ${recorded}`, o) });
    const fc: number[] = [];
    const sc: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      sc.push((await timed(() => Promise.all(one.inventory.hosts.map((h) => fetchHostStatus(replay(one.transport), h))))).ms);
      fc.push((await timed(() => Promise.all(fleet.inventory.hosts.map((h) => fetchHostStatus(replay(fleet.transport), h))))).ms);
    }
    await fleet.transport.exec({ host: fleet.inventory.hosts[0]!.name }, `rm -f ${recorded}`);

    // The same 20 hosts one after another: what the concurrency buys.
    const seq: number[] = [];
    for (let i = 0; i < 3; i++) {
      seq.push((await timed(async () => {
        for (const h of fleet.inventory.hosts) await fetchHostStatus(fleet.transport, h);
      })).ms);
    }
    const r = median(f) / median(s);
    console.log(`  ${HOSTS} hosts x ${VMS} VMs = ${HOSTS * VMS} VMs on ${HOSTS} connections (vm6..vm10 do not exist)${unreachable ? `; ${unreachable} host refreshes failed` : ''}`);
    console.log(
      table([
        ['', 'median', 'p95', 'n', 'vs one host'],
        [`one host x ${VMS} VMs`, ms(median(s)), ms(p95(s)), String(s.length), '1x'],
        [`${HOSTS} hosts x ${VMS} VMs, all at once`, ms(median(f)), ms(p95(f)), String(f.length), ratio(median(f), median(s))],
        [`${HOSTS} hosts x ${VMS} VMs, one after another`, ms(median(seq)), ms(p95(seq)), String(seq.length), ratio(median(seq), median(s))],
        ['one host, script replaced by cat of its output', ms(median(sc)), ms(p95(sc)), String(sc.length), '1x'],
        [`${HOSTS} hosts, script replaced by cat, all at once`, ms(median(fc)), ms(p95(fc)), String(fc.length), ratio(median(fc), median(sc))],
      ]),
    );
    console.log(`  this process's CPU per fleet refresh: median ${ms(median(clientCpu))} (the rest is the lab box running 20 scripts on 2 cores)`);
    console.log(target('fleet refresh < 1.5x one host (all 20 run on one 2-core box here)', r < 1.5));
    console.log(target('fleet refresh < 1.5x one host, client side alone (cat replay)', median(fc) / median(sc) < 1.5));
    const c1 = await cpuShare(one.inventory, one);
    const cf = await cpuShare(fleet.inventory, fleet);
    console.log(`  CPU of this process with StatusPoller at the default interval (${cf.intervalMs} ms, VM probes every 10 s), ${CPU_MS / 1000} s:`);
    console.log(`    one host:  ${(c1.share * 100).toFixed(1)}% of a core (${c1.statuses} statuses)`);
    console.log(`    ${HOSTS} hosts: ${(cf.share * 100).toFixed(1)}% of a core (${cf.statuses} statuses)`);
    console.log(target('fleet CPU < 5% of a core', cf.share < 0.05));
  } finally {
    await fleet.close();
    await one.close();
  }
}
