import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostStatus, VmStatus } from '../src/model/status.js';
import { StatusPoller } from '../src/services/poller.js';
import type { Runtime } from '../src/services/runtime.js';
import { createStore } from '../src/store/store.js';
import { CLI, cliArgs, INVENTORY } from './lib/env.js';
import { labSh, openLab } from './lib/lab.js';
import { appCpuShare } from './lib/app-cpu.js';
import { writeLabInventory } from './lib/replay-fleet.js';
import { median, ms, p95, ratio, sleep, table, target } from './lib/stats.js';

// 8. Events vs polling on the same lab, in one run (issue 21).
// a) Latency: 30 `systemctl kill -s KILL microvm@vmX` (vm1-vm3 in turn), each seen at once by four observers: a
//    poller feeding the store the grid reads, polling (events: false) and by events, and `mvm-tui status --watch
//    --json --no-probe` (the built CLI) in each mode. Time from the kill's return to the first status or line that
//    shows the VM down (or restarted).
// b) The hypervisor's CPU per watching client: one client (its own ssh connection) at a time, idle and with vm1
//    flapping (killed every 6 s), polling vs events; the CPU of its sshd session's whole process tree on the lab
//    (utime+stime of every process, and what their ended children used), over 30 s. The client's own CPU too.
//    Idle in event mode, where it goes: sshd itself, the kept shell's own work (the counters round), the commands
//    it starts (the whole read every 30 s, a stat when a runner link changed), the event stream's processes.
// c) The client's CPU at 20 hosts: the lab hypervisor listed 20 times (20 connections, 20 kept shells and in event
//    mode 20 event streams on its 2 cores), a StatusPoller in this process, polling vs events, 30 s each. Real event
//    streams and a real kept shell on every host (the replay fleet of bench/fleet.ts answers with captured output and
//    its streams stay silent), at the cost of the lab's 2 cores being shared by all 20.
// d) The UI as it ships at 20 hosts (bin/mvm-tui in a pty, 160x50, as bench/fleet.ts measures it): the same lab listed
//    20 times, `events: false` vs the default, its share of a core over 30 s after 10 s of start-up.

const KILLS = 30;
const HOSTS_20 = 20;
const WINDOW_MS = 30_000;
const VMS = ['vm1', 'vm2', 'vm3'];
const down = (v: VmStatus | undefined, restarts: number) => !!v && (v.active !== 'active' || v.sub !== 'running' || (v.restarts ?? 0) > restarts);
const running = (v: VmStatus | undefined) => v?.active === 'active' && v.sub === 'running';

interface Observer {
  name: string;
  latest: Map<string, { at: number; vm: VmStatus }>;
  seen: number[];
  stop(): Promise<void>;
}

function record(o: Observer, hs: HostStatus): void {
  const at = performance.now();
  for (const v of hs.vms) o.latest.set(v.name, { at, vm: v });
}

function gridObserver(rt: Runtime, events: boolean): Observer {
  const host = rt.inventory.hosts[0]!;
  const store = createStore();
  store.dispatch({ type: 'hosts/init', hosts: [{ name: host.name, readOnly: false, vms: host.vms.map((v) => ({ name: v.name, role: v.role, unit: v.unit })) }] });
  const o: Observer = { name: `grid, ${events ? 'events' : 'polling'}`, latest: new Map(), seen: [], stop: async () => poller.stop() };
  const poller = new StatusPoller(rt.transport, rt.inventory, {
    intervalMs: rt.inventory.refreshMs,
    probeEveryMs: 0,
    events,
    fullEveryMs: rt.inventory.fullRefreshMs,
    onStatus: (hs) => {
      store.dispatch({ type: 'hosts/status', status: hs, at: Date.now() });
      record(o, hs);
    },
  });
  poller.start();
  return o;
}

function inventoryWith(events: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'mvm-bench-events-'));
  const file = join(dir, 'inventory.yaml');
  writeFileSync(file, `events: ${events}\n${readFileSync(INVENTORY, 'utf8')}`);
  return file;
}

function watchObserver(events: boolean): Observer {
  const child: ChildProcess = spawn(process.execPath, cliArgs(CLI, '--config', inventoryWith(events), 'status', '--watch', '--json', '--no-probe'), { stdio: ['ignore', 'pipe', 'inherit'] });
  const o: Observer = {
    name: `status --watch, ${events ? 'events' : 'polling'}`,
    latest: new Map(),
    seen: [],
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
  let buf = '';
  child.stdout!.on('data', (b: Buffer) => {
    buf += String(b);
    for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      record(o, (JSON.parse(line) as { host: HostStatus }).host);
    }
  });
  return o;
}

async function until(ok: () => boolean, budgetMs: number): Promise<boolean> {
  const end = performance.now() + budgetMs;
  while (!ok()) {
    if (performance.now() > end) return false;
    await sleep(2);
  }
  return true;
}

async function latency(rt: Runtime): Promise<void> {
  const observers = [gridObserver(rt, false), gridObserver(rt, true), watchObserver(false), watchObserver(true)];
  try {
    await sleep(5_000); // every observer up, the event streams too
    for (let i = 0; i < KILLS; i++) {
      const vm = VMS[i % VMS.length]!;
      if (!(await until(() => observers.every((o) => running(o.latest.get(vm)?.vm)), 30_000))) throw new Error(`${vm} not running in every observer within 30 s`);
      await sleep(300 + Math.random() * 1000); // out of step with the pollers' ticks
      const base = new Map(observers.map((o) => [o, o.latest.get(vm)!.vm.restarts ?? 0]));
      await labSh(rt, `systemctl kill -s KILL microvm@${vm}`);
      const t0 = performance.now();
      await Promise.all(
        observers.map(async (o) => {
          const seen = () => {
            const l = o.latest.get(vm);
            return !!l && l.at > t0 - 50 && down(l.vm, base.get(o)!);
          };
          if (await until(seen, 10_000)) o.seen.push(Math.max(0, o.latest.get(vm)!.at - t0));
        }),
      );
    }
  } finally {
    for (const o of observers) await o.stop();
  }
  const byName = new Map(observers.map((o) => [o.name, o.seen]));
  console.log(
    table([
      ['crash -> seen (SIGKILL of microvm@vmX)', 'median', 'p95', 'n'],
      ...observers.map((o) => [o.name, ms(median(o.seen)), ms(p95(o.seen)), String(o.seen.length)]),
    ]),
  );
  const pg = p95(byName.get('grid, polling')!);
  const eg = p95(byName.get('grid, events')!);
  const ew = p95(byName.get('status --watch, events')!);
  console.log(`  p95 to the grid: polling/events ${ratio(pg, eg)}; ${target('events p95 <= 150 ms (grid and --watch)', eg <= 150 && ew <= 150)}`);
}

/** Every process of the trees under $ROOTS: `PID PPID OWN REAPED CMDLINE` (ticks of 1/100 s: its own utime+stime,
 *  and what its ended children used; the command line's first 200 characters: the stream's starts with its trap). */
const TREE_PROCS = `tree() { echo "$1"; for c in $(pgrep -P "$1"); do tree "$c"; done; }
for r in $ROOTS; do for p in $(tree "$r"); do s=$(awk '{print $4, $14+$15, $16+$17}' /proc/$p/stat 2>/dev/null) && echo "$p $s $(tr '\\0\\n' '  ' </proc/$p/cmdline 2>/dev/null | cut -c1-200)"; done; done; true`;

interface Proc {
  ppid: string;
  own: number;
  reaped: number;
  cmd: string;
}

async function procs(rt: Runtime, roots: string[]): Promise<Map<string, Proc>> {
  const out = await labSh(rt, `ROOTS='${roots.join(' ')}'\n${TREE_PROCS}`);
  const m = new Map<string, Proc>();
  for (const l of out.split('\n')) {
    const [pid, ppid, own, reaped, ...cmd] = l.split(' ');
    if (pid && ppid) m.set(pid, { ppid, own: Number(own), reaped: Number(reaped), cmd: cmd.join(' ') });
  }
  return m;
}

const PARTS = ['sshd', 'kept shell: its own work (counters, runners-check)', 'kept shell: commands it started', 'event stream (sources, tagging)', 'other'] as const;
type Part = (typeof PARTS)[number];

/** Ticks per part of a client's session tree between two snapshots. */
function byPart(roots: string[], a: Map<string, Proc>, b: Map<string, Proc>): Map<Part, number> {
  const parts = new Map<Part, number>(PARTS.map((p) => [p, 0]));
  const top = (pid: string): string | null => {
    let p = pid;
    for (let i = 0; i < 50; i++) {
      const ppid = b.get(p)?.ppid;
      if (!ppid || roots.includes(ppid)) return p;
      p = ppid;
    }
    return null;
  };
  for (const [pid, x] of b) {
    const y = a.get(pid);
    const own = x.own - (y?.own ?? 0);
    const reaped = x.reaped - (y?.reaped ?? 0);
    const add = (p: Part, n: number) => parts.set(p, parts.get(p)! + n);
    if (roots.includes(pid)) {
      add('sshd', own + reaped);
      continue;
    }
    const t = top(pid);
    const tcmd = t ? (b.get(t)?.cmd ?? '') : '';
    if (tcmd.includes('mvm_round')) {
      if (pid === t) {
        add('kept shell: its own work (counters, runners-check)', own);
        add('kept shell: commands it started', reaped);
      } else add('kept shell: commands it started', own + reaped);
    } else if (tcmd.includes('@@mvm-events') || tcmd.includes("trap 'kill 0' HUP PIPE")) add('event stream (sources, tagging)', own + reaped);
    else add('other', own + reaped);
  }
  return parts;
}

const sshdSessions = async (rt: Runtime) => new Set((await labSh(rt, "pgrep -f '^sshd: root' || true")).split('\n').filter(Boolean));

async function hostCpu(rt: Runtime, events: boolean, flap: boolean): Promise<{ host: number; client: number; parts: Map<Part, number> }> {
  const before = await sshdSessions(rt);
  const client = await openLab();
  const poller = new StatusPoller(client.transport, client.inventory, { intervalMs: client.inventory.refreshMs, probeEveryMs: 0, events, fullEveryMs: client.inventory.fullRefreshMs, onStatus: () => undefined });
  poller.start();
  let flapping = flap;
  try {
    await sleep(6_000);
    if (events && poller.mode('lab')?.mode !== 'events') throw new Error(`not in event mode: ${poller.mode('lab')?.why}`);
    const roots = [...(await sshdSessions(rt))].filter((p) => !before.has(p));
    const sum = (m: Map<string, Proc>) => [...m.values()].reduce((s, x) => s + x.own + x.reaped, 0);
    const flapper = (async () => {
      while (flapping) {
        await labSh(rt, 'systemctl is-active -q microvm@vm1 && systemctl kill -s KILL microvm@vm1 || true');
        await sleep(6_000);
      }
    })();
    const p0 = await procs(rt, roots);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(WINDOW_MS);
    const p1 = await procs(rt, roots);
    const c = process.cpuUsage(c0);
    const secs = (performance.now() - t0) / 1000;
    flapping = false;
    await flapper;
    // Processes that ended meanwhile are in their parent's reaped ticks.
    const h0 = [...p0].filter(([pid]) => p1.has(pid)).reduce((s, [, x]) => s + x.own + x.reaped, 0);
    const pct = (ticks: number) => (ticks / 100 / secs) * 100;
    const parts = new Map([...byPart(roots, p0, p1)].map(([k, v]) => [k, pct(v)]));
    return { host: pct(sum(p1) - h0), client: ((c.user + c.system) / 1e6 / secs) * 100, parts };
  } finally {
    flapping = false;
    poller.stop();
    await client.close();
  }
}

async function cpu(rt: Runtime): Promise<void> {
  const rows: string[][] = [['per watching client, 30 s', "hypervisor CPU (its sshd session's tree)", 'client CPU (this process)']];
  const pct = (x: number) => `${x.toFixed(2)}% of a core`;
  const got: Record<string, number> = {};
  let idleParts: Map<Part, number> | null = null;
  for (const flap of [false, true]) {
    for (const events of [false, true]) {
      const r = await hostCpu(rt, events, flap);
      const name = `${flap ? 'vm1 flapping' : 'idle'}, ${events ? 'events' : 'polling'}`;
      got[name] = r.host;
      if (events && !flap) idleParts = r.parts;
      rows.push([name, pct(r.host), pct(r.client)]);
    }
  }
  console.log(table(rows));
  if (idleParts) console.log(table([['idle, events: where the hypervisor CPU goes', 'of a core'], ...[...idleParts].map(([k, v]) => [k, `${v.toFixed(2)}%`])]));
  const idleE = got['idle, events']!;
  const idleP = got['idle, polling']!;
  console.log(`  idle: polling/events ${ratio(idleP, idleE)}; ${target('events idle <= 0.5% of a core', idleE <= 0.5)}; ${target('>= 5x less than polling', idleP >= 5 * idleE)}`);
  console.log(`  flapping: polling/events ${ratio(got['vm1 flapping, polling']!, got['vm1 flapping, events']!)}`);
}

/** This process's CPU (percent of a core) over WINDOW_MS with a poller of every host of `config`, and the lab's load. */
async function clientCpu(config: string, events: boolean): Promise<{ cpu: number; hosts: number; live: number }> {
  const rt = await openLab(config);
  let statuses = 0;
  const poller = new StatusPoller(rt.transport, rt.inventory, { intervalMs: rt.inventory.refreshMs, probeEveryMs: 0, events, fullEveryMs: rt.inventory.fullRefreshMs, onStatus: () => void statuses++ });
  try {
    poller.start();
    await sleep(8_000);
    const live = rt.inventory.hosts.filter((h) => poller.mode(h.name)?.mode === 'events').length;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(WINDOW_MS);
    const c = process.cpuUsage(c0);
    return { cpu: ((c.user + c.system) / 1e3 / (performance.now() - t0)) * 100, hosts: rt.inventory.hosts.length, live };
  } finally {
    poller.stop();
    await rt.close();
  }
}

async function fleetCpu(rt: Runtime): Promise<void> {
  const config = writeLabInventory('events-20x.yaml', HOSTS_20, rt.inventory.hosts[0]!.vms.map((v) => ({ name: v.name })));
  const rows: string[][] = [[`client CPU, ${HOSTS_20} hosts (the lab listed ${HOSTS_20} times), 30 s`, 'this process', 'hosts on events', 'lab load after']];
  const got: Record<string, number> = {};
  for (const events of [false, true]) {
    const r = await clientCpu(config, events);
    got[events ? 'events' : 'polling'] = r.cpu;
    rows.push([events ? 'events' : 'polling', `${r.cpu.toFixed(2)}% of a core`, events ? `${r.live}/${r.hosts}` : '-', (await labSh(rt, 'cat /proc/loadavg')).split(' ').slice(0, 3).join(' ')]);
  }
  console.log(table(rows));
  console.log(`  polling/events ${ratio(got.polling!, got.events!)} (polling: 20 whole reads a second on the lab's 2 cores, which it cannot keep up with)`);
}

async function uiCpu(rt: Runtime): Promise<void> {
  const vms = rt.inventory.hosts[0]!.vms.map((v) => ({ name: v.name }));
  const rows: string[][] = [[`the UI as it ships (a pty, 160x50), ${HOSTS_20} hosts (the lab listed ${HOSTS_20} times), 30 s`, 'the UI process', 'frames', 'lab load after']];
  const got: Record<string, number> = {};
  for (const events of [false, true]) {
    const config = writeLabInventory(`events-ui-20x-${events ? 'events' : 'polling'}.yaml`, HOSTS_20, vms, { events });
    const r = await appCpuShare(config, WINDOW_MS, 10_000);
    got[events ? 'events' : 'polling'] = r.share * 100;
    rows.push([events ? 'events' : 'polling', `${(r.share * 100).toFixed(2)}% of a core`, String(r.frames), (await labSh(rt, 'cat /proc/loadavg')).split(' ').slice(0, 3).join(' ')]);
  }
  console.log(table(rows));
  console.log(`  polling/events ${ratio(got.polling!, got.events!)}; ${target('the UI at 20 hosts in event mode < 5% of a core (the fleet target)', got.events! < 5)}`);
}

export async function benchEvents(): Promise<void> {
  const rt = await openLab();
  try {
    await labSh(rt, 'for v in vm1 vm2 vm3; do systemctl is-active -q microvm@$v || systemctl start microvm@$v; done');
    await latency(rt);
    await cpu(rt);
    await fleetCpu(rt);
    await uiCpu(rt);
  } finally {
    await labSh(rt, 'for v in vm1 vm2 vm3; do systemctl is-active -q microvm@$v || systemctl start microvm@$v; done').catch(() => undefined);
    await rt.close();
  }
}
