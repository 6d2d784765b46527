import type { HostConfig } from '../config/types.js';
import { shJoin, shq } from './quote.js';

// One remote script per hypervisor per refresh gathers everything the status needs for all its VMs.
// The script is a flat list of simple commands with quoted arguments (no pipes, loops, globs or variables
// other than $?), so the in-process demo server can interpret it without a real shell:
//   echo '@@mvm NAME'; ARGV... 2>&1; echo "@@rc $?"
// Forms are chosen to work on both OpenZFS 2.x and zfs-fuse (`zfs get -H -p` yes; `zfs list -p`, `-j` no).

export interface GatherSection {
  /** Unique within a script: `units`, `zfs`, `current:vm1`, ... */
  name: string;
  argv: string[];
}

export interface SectionOutput {
  /** stdout and stderr of the command, merged. */
  text: string;
  /** Its exit code; null when the output was cut before the command finished. */
  rc: number | null;
}

/** The unit properties read for every VM (systemd 252 prints them in its own order; parsed by name). */
export const UNIT_PROPERTIES = [
  'Id',
  'LoadState',
  'ActiveState',
  'SubState',
  'Result',
  'ActiveEnterTimestamp',
  'StateChangeTimestamp',
  'NRestarts',
  'MemoryCurrent',
  'CPUUsageNSec',
  'ConditionResult',
  'Wants',
] as const;

export const AUTOSTART_TARGET = 'microvms.target';


/** Inventory names are validated at load and quoted here; this also refuses what could read as an option. */
function checked(value: string, what: string): string {
  // eslint-disable-next-line no-control-regex
  if (!value || value.startsWith('-') || /[\x00-\x1f\x7f]/.test(value)) throw new Error(`refusing ${what} ${JSON.stringify(value)} in the gather script`);
  return value;
}

export function runnerLink(host: HostConfig, vm: string, which: 'current' | 'booted'): string {
  const dir = checked(host.microvmsDir.replace(/\/+$/, '') || '/', 'microvmsDir');
  return `${dir}/${checked(vm, 'VM name')}/${which}`;
}

/** The sections of one refresh of `host`: system, pools, storage, every VM's unit, runner links and bridges. */
export function gatherSections(host: HostConfig): GatherSection[] {
  const units = host.vms.map((v) => checked(v.unit, 'unit'));
  const sections: GatherSection[] = [
    { name: 'system', argv: ['systemctl', 'is-system-running'] },
    { name: 'failed', argv: ['systemctl', 'list-units', '--state=failed', '--no-legend', '--plain', '--no-pager'] },
    { name: 'loadavg', argv: ['cat', '/proc/loadavg'] },
    { name: 'meminfo', argv: ['cat', '/proc/meminfo'] },
    { name: 'zpool-list', argv: ['zpool', 'list', '-H', '-o', 'name,size,allocated,free,health'] },
    { name: 'zpool-status', argv: ['zpool', 'status'] },
    { name: 'df', argv: ['df', '-B1', '-P', checked(host.microvmsDir, 'microvmsDir')] },
    { name: 'zfs', argv: ['zfs', 'get', '-H', '-p', '-o', 'name,property,value', '-r', 'used,creation,type', checked(host.pool, 'pool')] },
  ];
  // One systemctl for every VM unit, microvms.target (its Wants = microvm.nix autostart: a VM not in it
  // may be down on purpose) and the storage unit: each systemctl costs ~15 ms on a small host.
  sections.push({
    name: 'units',
    argv: ['systemctl', 'show', ...units, AUTOSTART_TARGET, checked(host.storageUnit, 'storage unit'), '--timestamp=unix', '-p', UNIT_PROPERTIES.join(',')],
  });
  sections.push({ name: 'ip-links', argv: ['ip', '-j', 'link', 'show'] });
  // Every VM's current and booted runner link in one process (absent links are named on stderr).
  if (host.vms.length) {
    const paths = host.vms.flatMap((vm) => [runnerLink(host, vm.name, 'current'), runnerLink(host, vm.name, 'booted')]);
    sections.push({ name: 'runners', argv: ['stat', '-c', '%N', '--', ...paths] });
  }
  return sections;
}

const scripts = new WeakMap<HostConfig, string>();

/** The host's status script, built once per host config: the poller sends it every second, and building it (names
 *  checked and quoted, ~90 argv words) was ~0.3% of a core at 20 hosts. A config that fails its checks throws
 *  every time. */
export function gatherScript(host: HostConfig): string {
  let script = scripts.get(host);
  if (script === undefined) {
    script = renderGatherScript(gatherSections(host));
    scripts.set(host, script);
  }
  return script;
}

/** The remote script: one line per section, each framed by markers that splitSections reads back. */
export function renderGatherScript(sections: readonly GatherSection[]): string {
  return sections.map((s) => `${shJoin(['echo', `@@mvm ${s.name}`])}; ${shJoin(s.argv)} 2>&1; echo "@@rc $?"`).join('\n') + '\n';
}

const NAME = /^\S+$/;
const RC = /^\d{1,3}$/;
const MARK = '@@mvm ';
const RC_MARK = '@@rc ';

/** Turns the combined output of the script back into section name -> {text, rc}. Never throws. */
export function splitSections(output: string): Map<string, SectionOutput> {
  const out = new Map<string, SectionOutput>();
  if (typeof output !== 'string') return out;
  // Walks the lines by index and slices each section's text out of the output in one piece, rather than
  // splitting every line and joining them again: this runs on every host's output on every refresh.
  // A section's text is its lines, each ending in a newline (a cut last line gets one too).
  const n = output.length;
  let name: string | null = null;
  /** Where the open section's first line starts. */
  let body = 0;
  /** The next rc marker at or after the current line (-1: none left). */
  let rcAt = output.indexOf(RC_MARK);
  for (let start = 0; start <= n; ) {
    let end = output.indexOf('\n', start);
    if (end === -1) end = n;
    if (output.startsWith(MARK, start) && NAME.test(output.slice(start + MARK.length, end))) {
      if (name !== null) out.set(name, { text: output.slice(body, start), rc: null });
      name = output.slice(start + MARK.length, end);
      body = end + 1;
    } else if (name !== null) {
      if (rcAt !== -1 && rcAt < start) rcAt = output.indexOf(RC_MARK, start);
      if (rcAt !== -1 && rcAt < end) {
        // The last marker on the line counts: a command whose output has no final newline leaves it at the end
        // of its last line.
        let at = rcAt;
        for (let k = output.indexOf(RC_MARK, at + 1); k !== -1 && k < end; k = output.indexOf(RC_MARK, k + 1)) at = k;
        const rc = output.slice(at + RC_MARK.length, end);
        if (RC.test(rc)) {
          out.set(name, { text: at > start ? `${output.slice(body, at)}\n` : output.slice(body, start), rc: Number(rc) });
          name = null;
        }
      }
    }
    start = end + 1;
  }
  if (name !== null) out.set(name, { text: body <= n ? `${output.slice(body)}\n` : '', rc: null });
  return out;
}

// Event mode (src/services/status-events.ts): the same sections plus `counters` and `runners-check`, in one script
// whose lines run on their own (the kept shell runs only the lines a run names). Both run every interval with shell
// builtins only, so an idle interval starts no process on the hypervisor:
//   counters: load, memory and each VM unit's cgroup v2 memory and CPU, only the lines the status reads (the first
//     line of each file; /proc/meminfo down to MemAvailable). Each line it prints is `PATH TEXT`.
//   runners-check: whether a VM's `current` runner link still points where it did (`[ LINK -ef SAVED ]`, SAVED being
//     the target the kept shell resolved with `cd -P` last time); only when one changed (or on the shell's first run)
//     does it print the `runners` section (one `stat`). `booted` is set when the VM starts, which a unit event
//     refreshes. A target that is not a directory cannot be saved: that link reads as changed every time.

/** A unit's cgroup v2 directory as systemd names it: `a@b.service` lives in `system-a.slice`. */
export function unitCgroup(unit: string): string {
  const full = /\.[a-z]+$/.test(unit) ? unit : `${unit}.service`;
  const at = full.indexOf('@');
  const slice = at > 0 ? `system-${full.slice(0, at).replace(/-/g, '\\x2d')}.slice/` : '';
  return `/sys/fs/cgroup/system.slice/${slice}${full}`;
}

/** The files `counters` reads. */
export function counterFiles(host: HostConfig): string[] {
  return ['/proc/loadavg', '/proc/meminfo', ...host.vms.flatMap((v) => [`${unitCgroup(checked(v.unit, 'unit'))}/memory.current`, `${unitCgroup(v.unit)}/cpu.stat`])];
}

export function countersLine(host: HostConfig): string {
  const files = counterFiles(host).map(shq).join(' ');
  // cpu.stat's first line is usage_usec; /proc/meminfo has MemTotal first and MemAvailable third (Linux >= 3.14).
  const stop = `case $mvm_f in /proc/meminfo) case $mvm_c in MemAvailable:*) break;; esac;; *) break;; esac`;
  return `echo '@@mvm counters'; for mvm_f in ${files}; do [ -r "$mvm_f" ] && while IFS= read -r mvm_c; do printf '%s %s\\n' "$mvm_f" "$mvm_c"; ${stop}; done < "$mvm_f"; done; echo "@@rc 0"`;
}

/** The `runners-check` line of `host` (its `runners` section's line is `runnersLine`). */
export function runnersCheckLine(host: HostConfig, runnersLine: string): string {
  const links = host.vms.map((vm) => runnerLink(host, vm.name, 'current'));
  if (!links.length) return ':';
  const same = links.map((l, i) => `{ [ -z "$mvm_r${i}" ] && ! [ -e ${shq(l)} ] || [ ${shq(l)} -ef "$mvm_r${i}" ]; }`).join(' && ');
  const save = links.map((l, i) => `mvm_r${i}=; cd -P ${shq(l)} 2>/dev/null && mvm_r${i}=$PWD;`).join(' ');
  return `if [ "$mvm_rs" = 1 ] && ${same}; then :; else ${runnersLine}; mvm_rs=1; ${save} cd /; fi`;
}

/** Which sections each kind of refresh runs. */
export const SECTION_GROUPS = {
  /** Every interval in event mode: the counters, and whether a runner link changed (a `current` flipped by a runner
   * update or a removed link fires no event the stream sees; RESTART NEEDED and RUNNER MISSING stay as fresh as the
   * interval). Neither starts a process unless a link changed. */
  counters: ['counters', 'runners-check'],
  /** A VM, tap, storage or Comin unit changed (or the manager reloaded): units, runner links, the system's state. */
  units: ['system', 'failed', 'units', 'runners'],
  /** Another unit changed: only the system's state and its failed units. */
  system: ['system', 'failed'],
  links: ['ip-links'],
  /** Pool and storage usage, at their own cadence in event mode (poolRefreshMs). */
  usage: ['zpool-list', 'df'],
  pools: ['zpool-list', 'zpool-status', 'zfs'],
} as const satisfies Record<string, readonly string[]>;

export type SectionGroup = keyof typeof SECTION_GROUPS;

export interface EventGather {
  script: string;
  /** Section name -> its line in the script. */
  lines: ReadonlyMap<string, number>;
}

const eventScripts = new WeakMap<HostConfig, EventGather>();

/** Sections the event-mode script leaves out: `counters` reads them without a process. */
const EVENT_OMITS: ReadonlySet<string> = new Set(['loadavg', 'meminfo']);

/** The host's event-mode script: the gather script's sections (but load and memory), then `counters` and
 *  `runners-check`. Built once per host config. */
export function eventGather(host: HostConfig): EventGather {
  let g = eventScripts.get(host);
  if (!g) {
    const sections = gatherSections(host).filter((s) => !EVENT_OMITS.has(s.name));
    const lines = new Map(sections.map((s, i) => [s.name, i]));
    const runners = sections.find((s) => s.name === 'runners');
    const extra = [countersLine(host), runners ? runnersCheckLine(host, renderGatherScript([runners]).trim()) : ':'];
    lines.set('counters', sections.length);
    lines.set('runners-check', sections.length + 1);
    g = { script: `${renderGatherScript(sections)}${extra.join('\n')}\n`, lines };
    eventScripts.set(host, g);
  }
  return g;
}

/** The script lines of `names` (sections the host's script does not have are left out), in script order. */
export function linesOf(g: EventGather, names: Iterable<string>): number[] {
  const out = new Set<number>();
  for (const n of names) {
    const i = g.lines.get(n);
    if (i !== undefined) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}
