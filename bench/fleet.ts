import { DEFAULT_VM_PROBE_TIMEOUT_MS } from '../src/config/schema.js';
import type { HostConfig, Inventory } from '../src/config/types.js';
import type { HostStatus } from '../src/model/status.js';
import type { Runtime } from '../src/services/runtime.js';
import { StatusPoller } from '../src/services/poller.js';
import { fetchHostStatus, probeVms } from '../src/services/status.js';
import { load } from './lib/env.js';
import { appCpuShare } from './lib/app-cpu.js';
import { openLab } from './lib/lab.js';
import { agedOutput, captureGather, fleetDown, fleetUp, pinApart, replayCpuMs, serve, setReplayMs, VARIED, varyReplayOutput, writeLabInventory, writeReplayInventory } from './lib/replay-fleet.js';
import { median, ms, p95, ratio, sleep, table, target, timed } from './lib/stats.js';

// 5. Fleet: 20 hypervisors x 10 VMs vs. one, each host with vm1..vm10 (vm1..vm5 are the lab's, vm6..vm10 do
// not exist: units not found, no runner links). Two simulations:
// - replay fleet (bench/lib/replay-fleet.ts, test/lab/fleet-up.sh): 20 real sshd in their own network
//   namespaces answer with the lab's captured gather output after the lab's measured script time, as 20
//   machines running their scripts in parallel would; one host measured the same way is the baseline.
// - the lab box: the one lab hypervisor listed 20 times, so 20 scripts share its 2 cores (a worst case).
// Then the app's CPU share at its default interval on the replay fleet: StatusPoller in this process, and
// the UI as it ships in a pty.

const HOSTS = 20;
const VMS = 10;
const ROUNDS = 10;
const CPU_MS = 30_000;
/** When the UI's CPU is measured a second time (from its spawn). */
const LATER_MS = 65_000;
const vms = Array.from({ length: VMS }, (_, i) => ({ name: `vm${i + 1}` }));

const refreshAll = (rt: Runtime) => Promise.all(rt.inventory.hosts.map((h) => fetchHostStatus(rt.transport, h)));
const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
/** What a user sees of a host: a replay host must show what the lab showed. */
const shape = (h: HostStatus) => JSON.stringify([h.reachable, h.system.state, h.pools.map((p) => `${p.name} ${p.health}`), h.vms.map((v) => `${v.name} ${v.active}/${v.sub} ${v.runner} ${v.bridge}`)]);

interface Rows {
  one: number[];
  all: number[];
  /** This process's CPU per fleet refresh. */
  clientCpu: number[];
  failed: number;
}

/** `rounds` refreshes of one host, then of all of `fleet`, alternating, so both see the same load. */
async function compare(one: Runtime, fleet: Runtime, rounds: number, each?: () => void): Promise<Rows> {
  const r: Rows = { one: [], all: [], clientCpu: [], failed: 0 };
  for (let i = 0; i < rounds; i++) {
    r.one.push((await timed(() => refreshAll(one))).ms);
    const c0 = process.cpuUsage();
    const b = await timed(() => refreshAll(fleet));
    r.clientCpu.push(cpuMs(process.cpuUsage(c0)));
    r.failed += b.value.filter((h) => !h.reachable).length;
    r.all.push(b.ms);
    each?.();
  }
  return r;
}

const PROBE_ROUNDS = 6;

/** This process's CPU (ms) for one probe of every VM of the fleet: one exec per VM (how probes went out before
 *  src/host/nested-probe.ts) vs. one batched exec per host, alternating so both see the same load. All VMs are
 *  probed whatever their unit's state (the replay answers every probe), as on a fleet where all of them run. */
async function probeCpu(fleet: Runtime): Promise<{ perVm: number[]; batched: number[]; perVmFailed: number; batchedFailed: number }> {
  const perVm = (h: HostConfig) => Promise.all(h.vms.map((v) => fleet.transport.exec({ host: h.name, vm: v.name }, 'true', { timeoutMs: DEFAULT_VM_PROBE_TIMEOUT_MS }).then((r) => r.code === 0, () => false)));
  const batched = async (h: HostConfig) => [...(await probeVms(fleet.transport, h)).values()].map((p) => p.reachable);
  const round = async (f: (h: HostConfig) => Promise<boolean[]>) => {
    const c0 = process.cpuUsage();
    const ok = (await Promise.all(fleet.inventory.hosts.map(f))).flat();
    return { cpu: cpuMs(process.cpuUsage(c0)), failed: HOSTS * VMS - ok.filter(Boolean).length };
  };
  const r = { perVm: [] as number[], batched: [] as number[], perVmFailed: 0, batchedFailed: 0 };
  for (let i = 0; i < PROBE_ROUNDS; i++) {
    const a = await round(perVm);
    const b = await round(batched);
    r.perVm.push(a.cpu);
    r.batched.push(b.cpu);
    r.perVmFailed += a.failed;
    r.batchedFailed += b.failed;
  }
  return r;
}

async function cpuShare(inv: Inventory, rt: Runtime): Promise<{ share: number; statuses: number; intervalMs: number }> {
  let statuses = 0;
  const poller = new StatusPoller(rt.transport, inv, { intervalMs: inv.refreshMs, onStatus: () => statuses++ });
  poller.start();
  await sleep(3_000); // connections up, first probes done
  statuses = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(CPU_MS);
  const share = cpuMs(process.cpuUsage(c0)) / (performance.now() - t0);
  poller.stop();
  return { share, statuses, intervalMs: inv.refreshMs };
}

const row = (what: string, xs: number[], base: number[]) => [what, ms(median(xs)), ms(p95(xs)), String(xs.length), xs === base ? '1x' : ratio(median(xs), median(base))];
const header = ['', 'median', 'p95', 'n', 'vs one host'];

async function replayFleet(): Promise<void> {
  const lab = await openLab(writeLabInventory('fleet-1x10.yaml', 1, vms));
  let cap;
  let labShape: string;
  try {
    labShape = shape(await fetchHostStatus(lab.transport, lab.inventory.hosts[0]!));
    cap = await captureGather(lab, lab.inventory.hosts[0]!);
  } finally {
    await lab.close();
  }
  console.log(`  replay fleet: ${HOSTS} sshd (OpenSSH, own network namespace each) answer the gather script with the lab's output`);
  console.log(`  (${(cap.output.length / 1024).toFixed(1)} KiB) after the lab's script time, median ${ms(cap.scriptMs)} of ${cap.runs.length} runs on the lab`);
  console.log(`  (${cap.runs.map((x) => x.toFixed(0)).join(', ')} ms), slept rather than spent; VM probes ${ms(cap.probeMs)}; no network delay (no netem here)`);
  fleetUp(HOSTS, cap);
  const fleet = await openLab(writeReplayInventory('replay-20x10.yaml', HOSTS, vms));
  const one = await openLab(writeReplayInventory('replay-1x10.yaml', 1, vms));
  try {
    const first = await refreshAll(fleet); // 20 connections up
    await refreshAll(one);
    const same = first.every((h) => shape(h) === labShape);
    console.log(`  every replay host shows what the lab shows (units, pools, links): ${same ? 'yes' : `NO: ${shape(first[0]!)}`}`);
    const c0 = replayCpuMs();
    const w = await compare(one, fleet, ROUNDS);
    const replayCpu = (replayCpuMs() - c0) / ROUNDS; // the 1-host refreshes included: 21 per round
    // The same with the client on a core of its own and the 20 sshd on the other (connections are up, so
    // every sshd process is pinned): the replay's own CPU no longer takes the client's.
    const unpin = pinApart();
    const pinned = unpin ? await compare(one, fleet, ROUNDS).finally(unpin) : null;
    setReplayMs(0, 0);
    const z = await compare(one, fleet, ROUNDS);
    setReplayMs(cap.scriptMs, cap.probeMs);
    console.log(table([
      header,
      row(`one replay host x ${VMS} VMs`, w.one, w.one),
      row(`${HOSTS} replay hosts x ${VMS} VMs, all at once`, w.all, w.one),
      ...(pinned ? [row('one replay host, client pinned apart', pinned.one, pinned.one), row(`${HOSTS} replay hosts, client pinned apart`, pinned.all, pinned.one)] : []),
      row('one replay host, script time 0', z.one, z.one),
      row(`${HOSTS} replay hosts, script time 0, all at once`, z.all, z.one),
    ]));
    const failed = w.failed + z.failed + (pinned?.failed ?? 0);
    if (failed) console.log(`  ${failed} host refreshes FAILED`);
    console.log(`  CPU per fleet refresh: this process median ${ms(median(w.clientCpu))}; the ${HOSTS} replay sshd ~${ms(replayCpu)} (same 2 cores)`);
    console.log(target(`fleet refresh < 1.5x one host (replay fleet, ${load()})`, median(w.all) / median(w.one) < 1.5));
    if (pinned) console.log(target('fleet refresh < 1.5x one host (replay fleet, client pinned apart)', median(pinned.all) / median(pinned.one) < 1.5));
    if (pinned) console.log(`  pinned apart (client on CPU 0, the 20 sshd share CPU 1): this process median ${ms(median(pinned.clientCpu))} CPU per fleet refresh`);
    // What a real fleet would see: one host's time plus the client's own serial work for the other hosts.
    const projected = median(w.one) + median(w.clientCpu) * ((HOSTS - 1) / HOSTS);
    console.log(`  projection for 20 real hypervisors (one host + this process's CPU for the other 19): ${ms(projected)}, ${ratio(projected, median(w.one))}`);
    const pc = await probeCpu(fleet);
    console.log(`  CPU of this process to probe all ${HOSTS * VMS} VMs once (median of ${PROBE_ROUNDS}): one exec per VM ${ms(median(pc.perVm))}, one exec per host ${ms(median(pc.batched))} (${ratio(median(pc.perVm), median(pc.batched))} less)`);
    if (pc.perVmFailed + pc.batchedFailed) console.log(`    probes FAILED of ${PROBE_ROUNDS * HOSTS * VMS}: ${pc.perVmFailed} one exec per VM, ${pc.batchedFailed} batched`);
    const c1 = await cpuShare(one.inventory, one);
    const cf = await cpuShare(fleet.inventory, fleet);
    // The replay serves the same text every time, which a real host does not: its parses would all be reused.
    const unvary = varyReplayOutput(cap);
    const cv = await cpuShare(fleet.inventory, fleet).finally(unvary);
    console.log(`  CPU of this process with StatusPoller at the default interval (${cf.intervalMs} ms, VM probes every 10 s), ${CPU_MS / 1000} s:`);
    console.log(`    one replay host:  ${(c1.share * 100).toFixed(1)}% of a core (${c1.statuses} statuses)`);
    console.log(`    ${HOSTS} replay hosts: ${(cf.share * 100).toFixed(1)}% of a core (${cf.statuses} statuses), the same output every refresh`);
    console.log(`    ${HOSTS} replay hosts: ${(cv.share * 100).toFixed(1)}% of a core (${cv.statuses} statuses), with ${VARIED} changing every refresh`);
    await fleet.close();
    await one.close();
    // How old the VMs are decides how often the UI draws: their ages read in seconds for 10 minutes (a frame a
    // second), then in minutes. The captured output is served with its timestamps moved to each age.
    const inv1 = writeReplayInventory('replay-1x10.yaml', 1, vms);
    const invF = writeReplayInventory('replay-20x10.yaml', HOSTS, vms);
    console.log(`  CPU of the UI as it ships (a pty, 160x50, default interval, event mode: each tick reads the counters), ${CPU_MS / 1000} s after 5 s of start-up:`);
    const shares: number[] = [];
    for (const [label, ageS] of [['VMs up 5 min (ages in seconds)', 300], ['VMs up 2 h (ages in minutes)', 7_200]] as const) {
      serve(agedOutput(cap, ageS));
      const a1 = await appCpuShare(inv1, CPU_MS);
      const af = await appCpuShare(invF, CPU_MS);
      shares.push(af.share);
      console.log(`    ${label}: one replay host ${(a1.share * 100).toFixed(1)}% of a core (${a1.frames} frames), ${HOSTS} replay hosts ${(af.share * 100).toFixed(1)}% (${af.frames} frames)`);
    }
    // As a real fleet: VMs up 2 h, and what VARIED names changes every refresh, so the headers' load and memory
    // and the cards' memory and CPU move: a frame a second whatever the VMs' age.
    const unvaryAged = varyReplayOutput(agedOutput(cap, 7_200));
    // Then again from a minute after the spawn: V8 is still compiling hot functions in the first window.
    const av = await appCpuShare(invF, CPU_MS, undefined, undefined, LATER_MS).finally(unvaryAged);
    shares.push(av.share);
    console.log(`    VMs up 2 h, ${VARIED} changing every refresh: ${HOSTS} replay hosts ${(av.share * 100).toFixed(1)}% (${av.frames} frames)`);
    const later = av.later!;
    console.log(`      the same UI ${CPU_MS / 1000} s from ${LATER_MS / 1000} s after its start: ${(later.share * 100).toFixed(1)}% (${later.frames} frames)`);
    // The same with `events: false`: every host's whole gather every second.
    const unvaryPolled = varyReplayOutput(agedOutput(cap, 7_200));
    const ap = await appCpuShare(writeReplayInventory('replay-20x10-polling.yaml', HOSTS, vms, 1, { events: false }), CPU_MS).finally(unvaryPolled);
    console.log(`    the same, polling (events: false): ${HOSTS} replay hosts ${(ap.share * 100).toFixed(1)}% (${ap.frames} frames)`);
    serve(cap);
    console.log(target('fleet CPU < 5% of a core (the poller alone, the same output and changing output)', Math.max(cf.share, cv.share) < 0.05));
    console.log(target('fleet CPU < 5% of a core (the UI as it ships, first 30 s after start-up: VMs of either age, output the same or changing)', Math.max(...shares) < 0.05));
    console.log(target('fleet CPU < 5% of a core (the UI as it ships, output changing, from a minute after start-up)', later.share < 0.05));
  } finally {
    await fleet.close();
    await one.close();
    fleetDown();
  }
}

/** The lab hypervisor listed 20 times: 20 scripts on its 2 cores at once (which the client shares too). */
async function labBox(): Promise<void> {
  const fleet = await openLab(writeLabInventory('fleet-20x10.yaml', HOSTS, vms));
  const one = await openLab(writeLabInventory('fleet-1x10.yaml', 1, vms));
  try {
    await refreshAll(fleet);
    await refreshAll(one);
    const r = await compare(one, fleet, ROUNDS);
    console.log(`  the one 2-core lab box listed ${HOSTS} times (20 scripts at once on 2 cores: not a fleet, a worst case)`);
    console.log(table([header, row(`lab host x ${VMS} VMs`, r.one, r.one), row(`lab host listed ${HOSTS} times, all at once`, r.all, r.one)]));
    if (r.failed) console.log(`  ${r.failed} host refreshes FAILED`);
    console.log(`  this process's CPU per such refresh: median ${ms(median(r.clientCpu))}`);
  } finally {
    await fleet.close();
    await one.close();
  }
}

export async function benchFleet(): Promise<void> {
  await replayFleet();
  await labBox();
}
