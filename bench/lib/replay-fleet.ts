import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { HostConfig } from '../../src/config/types.js';
import { eventGather, gatherScript, splitSections } from '../../src/host/gather.js';
import { scriptLines } from '../../src/host/kept-shell.js';
import { nestedCommand } from '../../src/host/nested.js';
import type { Runtime } from '../../src/services/runtime.js';
import { INVENTORY, OUT, ROOT } from './env.js';
import { labSh } from './lab.js';
import { median } from './stats.js';

// The replay fleet (test/lab/fleet-up.sh): N real sshd, each in its own network namespace, that answer the
// gather script with the lab hypervisor's captured output after the lab's measured script time; in event mode, each
// kept-shell run with the captured output of the lines it names (a tick's counters only, a whole read all of them). What it
// models: N hypervisors that each run their script on their own CPU, in parallel. What it does not: their
// sshd and the bash it starts per command still run on this machine's 2 cores (measured: replayCpuMs), and there is no network
// delay (netem is not in this kernel), so the numbers are a lower bound on a real fleet's time per refresh.

export const FLEET_DIR = '/run/mvm-tui-fleet';
const addr = (k: number) => `192.168.77.${100 + k}`;

/** What the replay hosts answer: the polling gather's output, and each line's output of the event-mode script. */
export interface Served {
  /** The gather script's output on the lab hypervisor, for `host`'s VMs. */
  output: string;
  /** Event mode: line index -> that line's output (its sections, framed). */
  eventLines: string[];
}

export interface Capture extends Served {
  /** Its run time on the lab hypervisor (median of `runs`, measured there, not over the network). */
  scriptMs: number;
  runs: number[];
  /** One nested VM probe (`ssh ... vm1 true`) timed on the lab hypervisor. */
  probeMs: number;
}

/** Runs `host`'s gather script on the lab `runs` times, timing it on the lab side. */
export async function captureGather(rt: Runtime, host: HostConfig, runs = 7): Promise<Capture> {
  const script = gatherScript(host);
  const times: number[] = [];
  let output = '';
  for (let i = 0; i < runs; i++) {
    const r = await rt.transport.exec({ host: host.name }, `s=$(date +%s%N)\n{\n${script}}\necho "@@took $(( ($(date +%s%N) - s) / 1000 ))" >&2\n`, { timeoutMs: 60_000 });
    const took = /@@took (\d+)/.exec(r.stderr);
    if (!took) throw new Error(`capture: no timing from the lab (exit ${r.code}): ${r.stderr.trim().slice(0, 200)}`);
    times.push(Number(took[1]) / 1000);
    output = r.stdout;
  }
  const vm = host.vms[0]!;
  const probe = await labSh(rt, `s=$(date +%s%N); ${nestedCommand(host, vm, 'true')}; echo "$(( ($(date +%s%N) - s) / 1000 ))"`, host.name);
  return { output, eventLines: await captureEventLines(rt, host), scriptMs: median(times), runs: times, probeMs: Number(probe.trim()) / 1000 };
}

/** The event-mode script run whole on the lab (its lines in order, as a kept shell's first run), its output cut
 *  into each line's sections. */
async function captureEventLines(rt: Runtime, host: HostConfig): Promise<string[]> {
  const g = eventGather(host);
  const r = await rt.transport.exec({ host: host.name }, g.script, { timeoutMs: 60_000 });
  const lines = scriptLines(g.script).map(() => '');
  for (const [name, out] of splitSections(r.stdout)) {
    const i = g.lines.get(name);
    if (i === undefined) throw new Error(`capture: section ${name} is not a line of the event script`);
    lines[i] += `@@mvm ${name}\n${out.text}@@rc ${out.rc ?? 1}\n`;
  }
  // A tick's runners-check prints nothing while no runner link moves (the whole run above printed `runners`).
  lines[g.lines.get('runners-check')!] = '';
  return lines;
}

/** Starts `n` replay hosts serving `cap`. */
export function fleetUp(n: number, cap: Capture): void {
  const file = join(OUT, 'fleet-gather.txt');
  writeFileSync(file, cap.output);
  execFileSync('bash', [join(ROOT, 'test/lab/fleet-up.sh'), String(n), file, String(Math.round(cap.scriptMs)), String(Math.round(cap.probeMs))], { stdio: ['ignore', 'ignore', 'inherit'] });
  serve(cap);
}

/** The lab's output with its timestamps (units' `@epoch`, datasets' creation) moved so that the newest reads `ageS`
 *  seconds ago: how old a fleet's VMs are decides how often the UI draws (ages read in seconds for 10 minutes). */
export function agedOutput(s: Served, ageS: number): Served {
  const stamp = /(=@|\tcreation\t)(\d{10})\b/g;
  const stamps = [...s.output.matchAll(stamp)].map((m) => Number(m[2]));
  if (!stamps.length) return s;
  const shift = Math.floor(Date.now() / 1000) - ageS - Math.max(...stamps);
  const move = (text: string) => text.replace(stamp, (_, pre: string, n: string) => `${pre}${Number(n) + shift}`);
  return { output: move(s.output), eventLines: s.eventLines.map(move) };
}

/** The file every replay host answers the gather script with (read by every command). */
const GATHER_OUT = join(FLEET_DIR, 'gather.out');
/** The file a replay host answers event-mode script line `i` with. */
const eventLineOut = (i: number) => join(FLEET_DIR, `event-line-${i}.out`);

/** A file replaced whole: a replay reading the old one finishes it. */
function replace(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/** Changes what every replay host answers the gather script and the event-mode lines with. */
export function serve(s: Served): void {
  replace(GATHER_OUT, s.output);
  s.eventLines.forEach((text, i) => replace(eventLineOut(i), text));
}

/** What changes from one refresh of a real hypervisor to the next: the load average, meminfo, and the running VM
 *  units' memory and CPU counters (the lab has no cgroup accounting: its units say [not set], given numbers here). */
export const VARIED = 'loadavg, meminfo (MemFree, MemAvailable) and the running units\' memory and CPU (polling: the units section; events: the counters line)';

/**
 * Serves `s` with what VARIED names changed every 250 ms (so every refresh reads new text; a unit's memory
 * moves in 16 MiB steps and its CPU by ~10% of a core, give or take, so the cards change as shown too), from a child
 * process: its CPU is not this process's. Other sections and lines stay byte-identical, as on a real host at rest.
 * Returns the undo (`s` served again).
 */
export function varyReplayOutput(s: Served): () => void {
  const base = join(OUT, 'fleet-gather-varied-base.json');
  // The running units (their counters vary; a stopped unit has none), from the polling capture's units section.
  const running = (splitSections(s.output).get('units')?.text ?? '').split('\n\n').filter((b) => /^ActiveState=active$/m.test(b)).map((b) => /^Id=(.*)$/m.exec(b)?.[1]).filter(Boolean);
  const counters = s.eventLines.findIndex((l) => l.startsWith('@@mvm counters\n'));
  writeFileSync(base, JSON.stringify({ ...s, running, counters, gather: GATHER_OUT, counterFile: eventLineOut(counters) }));
  const code = `
const fs = require('fs');
const b = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
const put = (path, text) => { fs.writeFileSync(path + '.tmp', text); fs.renameSync(path + '.tmp', path); };
let r = 0;
setInterval(() => {
  r++;
  let k = 0;
  const load = (t) => t.replace(/^((?:\\/proc\\/loadavg )?)(\\d+\\.\\d\\d) (\\d+\\.\\d\\d) /m, (_, p, a, c) => p + (Number(a) + (r % 50) / 100).toFixed(2) + ' ' + c + ' ');
  const mem = (t) => t.replace(/^((?:\\/proc\\/meminfo )?)(MemFree|MemAvailable):( +)(\\d+)/gm, (_, p, f, sp, n) => p + f + ':' + sp + (Number(n) - (r % 97) * 4));
  const memNow = () => (1 << 30) + ((r * 7 + k++) % 64) * (16 << 20);
  const cpuNs = () => r * 25e6 + (r % 3) * 5e6 + k++ * 1e9;
  put(b.gather, mem(load(b.output))
    .replace(/MemoryCurrent=\\[not set\\]/g, () => 'MemoryCurrent=' + memNow())
    .replace(/CPUUsageNSec=\\[not set\\]/g, () => 'CPUUsageNSec=' + cpuNs()));
  if (b.counters < 0) return;
  k = 0;
  const unitOf = (path) => b.running.find((u) => path.includes('/' + u + '/'));
  put(b.counterFile, mem(load(b.eventLines[b.counters])).split('\\n').map((l) => {
    const m = /^(\\S+\\/(memory\\.current|cpu\\.stat))(?: .*)?$/.exec(l);
    if (!m || !unitOf(m[1])) return l;
    return m[2] === 'memory.current' ? m[1] + ' ' + memNow() : m[1] + ' usage_usec ' + Math.round(cpuNs() / 1000);
  }).join('\\n'));
}, 250);`;
  const child = spawn(process.execPath, ['-e', code, base], { stdio: 'ignore' });
  return () => {
    child.kill();
    serve(s);
  };
}

export function fleetDown(): void {
  execFileSync('bash', [join(ROOT, 'test/lab/fleet-down.sh')], { stdio: 'inherit' });
}

/** Changes the replay hosts' script time on the fly (replay.env is read by every command). */
export function setReplayMs(gatherMs: number, probeMs: number): void {
  const s = (x: number) => (Math.max(0, Math.round(x)) / 1000).toFixed(3);
  writeFileSync(join(FLEET_DIR, 'replay.env'), `GATHER_S=${s(gatherMs)}\nPROBE_S=${s(probeMs)}\n`);
}

/** The lab hypervisor listed `hosts` times (lab01..labNN), each with `vms`: 20 scripts at once on the lab's 2 cores,
 *  or (hosts 1) the host whose output the replay serves. `settings`: inventory-level keys (e.g. `events: false`). */
export function writeLabInventory(name: string, hosts: number, vms: Array<{ name: string }>, settings: Record<string, unknown> = {}): string {
  const inv = { ...(parse(readFileSync(INVENTORY, 'utf8')) as { hosts: Array<Record<string, unknown>> }), ...settings };
  const lab = inv.hosts[0]!;
  inv.hosts = Array.from({ length: hosts }, (_, i) => ({ ...lab, name: `lab${String(i + 1).padStart(2, '0')}`, vms }));
  const path = join(OUT, name);
  writeFileSync(path, `# Written by the benches: the lab hypervisor listed ${hosts} time(s), ${vms.length} VMs each.\n${stringify(inv)}`);
  return path;
}

/** An inventory of replay hosts fleet01..fleetN (hosts `from`..`from+n-1`), each with `vms` as the lab's; `settings`:
 *  inventory-level keys. */
export function writeReplayInventory(name: string, n: number, vms: Array<{ name: string }>, from = 1, settings: Record<string, unknown> = {}): string {
  const inv = { ...(parse(readFileSync(INVENTORY, 'utf8')) as { hosts: Array<Record<string, unknown> & { ssh: Record<string, unknown> }> }), ...settings };
  const lab = inv.hosts[0]!;
  inv.hosts = Array.from({ length: n }, (_, i) => {
    const k = from + i;
    return { ...lab, name: `fleet${String(k).padStart(2, '0')}`, ssh: { ...lab.ssh, hostname: addr(k), knownHostsFile: join(FLEET_DIR, 'known_hosts') }, vms };
  });
  const path = join(OUT, name);
  writeFileSync(path, `# Written by bench/fleet.ts: ${n} replay hypervisor(s) of test/lab/fleet-up.sh.\n${stringify(inv)}`);
  return path;
}

interface Proc {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks. */
  ticks: number;
}

/** The replay hosts' sshd processes: the listeners and everything below them. */
function replayProcs(): Proc[] {
  const listeners = new Set<number>();
  for (const f of readdirSync(FLEET_DIR)) if (f.endsWith('.pid')) listeners.add(Number(readFileSync(join(FLEET_DIR, f), 'utf8').trim()));
  const procs: Proc[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields after the name start at 3 (state): ppid is 4, utime 14, stime 15, cutime 16, cstime 17
      const ticks = [11, 12, 13, 14].reduce((a, i) => a + Number(f[i]), 0);
      procs.push({ pid: Number(d), ppid: Number(f[1]), ticks });
    } catch {
      /* gone */
    }
  }
  const ours = new Set(listeners);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) {
      if (ours.has(p.pid) || !ours.has(p.ppid)) continue;
      ours.add(p.pid);
      grew = true;
    }
  }
  return procs.filter((p) => ours.has(p.pid));
}

/** CPU (ms) used so far by the replay hosts' live sshd processes and their finished children. */
export function replayCpuMs(): number {
  return replayProcs().reduce((a, p) => a + p.ticks * 10, 0); // USER_HZ is 100 on Linux
}

/**
 * Pins this process (and what it spawns) to CPU 0 and every replay sshd to the others, so the client has
 * a core of its own as it would beside a real fleet; null (and nothing pinned) with fewer than 2 CPUs.
 * Returns the undo.
 */
export function pinApart(): (() => void) | null {
  const n = cpus().length;
  if (n < 2) return null;
  const all = `0-${n - 1}`;
  const set = (list: string, pid: number) => execFileSync('taskset', ['-a', '-p', '-c', list, String(pid)], { stdio: 'ignore' });
  set('0', process.pid);
  for (const p of replayProcs()) {
    try {
      set(`1-${n - 1}`, p.pid);
    } catch {
      /* gone */
    }
  }
  return () => {
    set(all, process.pid);
    for (const p of replayProcs()) {
      try {
        set(all, p.pid);
      } catch {
        /* gone */
      }
    }
  };
}
