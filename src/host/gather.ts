import type { HostConfig } from '../config/types.js';
import { fullUnit } from '../model/unit-name.js';
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

// Event mode (src/services/status-events.ts): one script whose lines run on their own (the kept shell runs only the
// lines a run names). Its whole read (every line, every fullRefreshMs) starts 5 processes on a host in its usual state
// (systemctl twice, zpool list, df, zfs get; each costs ~15-20 ms of the host's CPU, a bash `read` ~0.01 ms):
//   system: `systemctl is-system-running`, and the failed units only when the state is not `running` (systemd says
//     `running` only when no unit has failed, `degraded` when one has): sections `system` and `failed`.
//   zpool-list and zpool-status (one line): `zpool status` only when `zpool list` failed: the status takes from it only
//     the pools that `zpool list` did not list.
//   bridges: each VM bridge's operstate, flags and carrier from /sys/class/net (what `ip link` reads from the kernel).
//   runners: whether each `current` and `booted` runner link still resolves to the directory it did (`[ LINK -ef
//     SAVED ]`, SAVED being the target the kept shell resolved with `cd -P`); only when one changed (or on the shell's
//     first run) does it `stat` them again. It prints the `stat`'s output kept from then. A link whose target is not a
//     directory, or is missing, cannot be saved: it reads as changed every time.
// Two lines run every interval with shell builtins only, so an idle interval starts no process on the hypervisor:
//   runners-check: the runners check of the `current` links only, printing the `runners` section only when one moved
//     (a `current` flipped by a runner update or a removed link fires no event the stream sees). `booted` is set when
//     the VM starts, which a unit event refreshes.
//   counters: load, memory and each VM unit's cgroup v2 memory and CPU, only the lines the status reads (the first
//     line of each file; the first three of /proc/meminfo, MemAvailable being the third since Linux 3.14), printed
//     by one printf. Each line is `PATH TEXT`; a file that could not be read has no text.

/** A unit's cgroup v2 directory as systemd names it: `a@b.service` lives in `system-a.slice`. */
export function unitCgroup(unit: string): string {
  const full = fullUnit(unit);
  const at = full.indexOf('@');
  const slice = at > 0 ? `system-${full.slice(0, at).replace(/-/g, '\\x2d')}.slice/` : '';
  return `/sys/fs/cgroup/system.slice/${slice}${full}`;
}

/** The `counters` line of `host`. */
export function countersLine(host: HostConfig): string {
  const dirs = host.vms.map((v) => unitCgroup(checked(v.unit, 'unit')));
  const reads = [
    'mvm_l=; mvm_m1=; mvm_m2=; mvm_m3=; read -r mvm_l < /proc/loadavg; { read -r mvm_m1; read -r mvm_m2; read -r mvm_m3; } < /proc/meminfo;',
    ...dirs.map((d, i) => `mvm_c${i}=; mvm_u${i}=; [ -d ${shq(d)} ] && { read -r mvm_c${i} < ${shq(`${d}/memory.current`)}; read -r mvm_u${i} < ${shq(`${d}/cpu.stat`)}; };`),
  ];
  // One printf of `%s %s\n` pairs.
  const pairs = [
    `'@@mvm' counters /proc/loadavg "$mvm_l" /proc/meminfo "$mvm_m1" /proc/meminfo "$mvm_m2" /proc/meminfo "$mvm_m3"`,
    ...dirs.map((d, i) => `${shq(`${d}/memory.current`)} "$mvm_c${i}" ${shq(`${d}/cpu.stat`)} "$mvm_u${i}"`),
    `'@@rc' 0`,
  ];
  return `${reads.join(' ')} printf '%s %s\\n' ${pairs.join(' ')}`;
}

/** The event-mode lines that read the runner links: `runners` (every link, printed every time) and `runners-check`
 *  (the `current` links, printed only when one moved). Both keep the `stat`'s output in the kept shell. */
export function runnerLines(host: HostConfig): { runners: string; check: string } {
  const links = host.vms.flatMap((vm) => [runnerLink(host, vm.name, 'current'), runnerLink(host, vm.name, 'booted')]);
  const same = (i: number) => {
    const l = shq(links[i]!);
    return `{ [ ${l} -ef "$mvm_r${i}" ] || { [ -z "$mvm_r${i}" ] && ! [ -e ${l} ] && ! [ -L ${l} ]; }; }`;
  };
  const all = links.map((_, i) => same(i)).join(' && ');
  const current = links.map((_, i) => i).filter((i) => i % 2 === 0).map(same).join(' && ');
  const save = links.map((l, i) => `mvm_r${i}=; cd -P ${shq(l)} 2>/dev/null && mvm_r${i}=$PWD;`).join(' ');
  const restat = `mvm_rt=$(${shJoin(['stat', '-c', '%N', '--', ...links])} 2>&1); mvm_rr=$?; mvm_rs=1; ${save} cd /`;
  const print = `printf '@@mvm runners\\n%s\\n@@rc %s\\n' "$mvm_rt" "$mvm_rr"`;
  return {
    runners: `if [ "$mvm_rs" = 1 ] && ${all}; then :; else ${restat}; fi; ${print}`,
    check: `if [ "$mvm_rs" = 1 ] && ${current}; then :; else ${restat}; ${print}; fi`,
  };
}

/** The `bridges` line: `NAME OPERSTATE FLAGS CARRIER` per VM bridge (only NAME when it does not exist; no CARRIER
 *  when it is down, as the kernel refuses to say); exit 1 when /sys/class/net is not there to read. */
export function bridgesLine(host: HostConfig): string {
  const names = [...new Set(host.vms.map((v) => checked(v.bridge, 'bridge')))];
  if (!names.length) return `echo '@@mvm bridges'; echo '@@rc 0'`;
  const d = '/sys/class/net/$mvm_b';
  return `echo '@@mvm bridges'; for mvm_b in ${names.map(shq).join(' ')}; do mvm_o=; mvm_f=; mvm_k=; { read -r mvm_o < "${d}/operstate" && read -r mvm_f < "${d}/flags" && read -r mvm_k < "${d}/carrier"; } 2>/dev/null; echo "$mvm_b $mvm_o $mvm_f $mvm_k"; done; if [ -d /sys/class/net/lo ]; then echo '@@rc 0'; else echo '@@rc 1'; fi`;
}

/** Which sections each kind of refresh runs (event mode). */
export const SECTION_GROUPS = {
  /** Every interval in event mode: the counters, and whether a `current` runner link changed (RESTART NEEDED and
   * RUNNER MISSING stay as fresh as the interval). Neither starts a process unless a link changed. */
  counters: ['counters', 'runners-check'],
  /** A VM, tap, storage or Comin unit changed (or the manager reloaded): units, runner links, the system's state. */
  units: ['system', 'failed', 'units', 'runners'],
  /** Another unit changed: only the system's state and its failed units. */
  system: ['system', 'failed'],
  links: ['bridges'],
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

/** The host's event-mode script (see above). Built once per host config. */
export function eventGather(host: HostConfig): EventGather {
  let g = eventScripts.get(host);
  if (!g) {
    const sections = new Map(gatherSections(host).map((s) => [s.name, s]));
    const line = (name: string) => renderGatherScript([sections.get(name)!]).trim();
    const runners = host.vms.length ? runnerLines(host) : null;
    const zpoolList = shJoin(sections.get('zpool-list')!.argv);
    const zpoolStatus = shJoin(sections.get('zpool-status')!.argv);
    const out: Array<[string[], string]> = [
      [['system', 'failed'], `echo '@@mvm system'; mvm_s=$(${shJoin(sections.get('system')!.argv)} 2>&1); mvm_c=$?; printf '%s\\n@@rc %s\\n' "$mvm_s" "$mvm_c"; echo '@@mvm failed'; if [ "$mvm_s" = running ]; then echo '@@rc 0'; else ${shJoin(sections.get('failed')!.argv)} 2>&1; echo "@@rc $?"; fi`],
      [['zpool-list', 'zpool-status'], `echo '@@mvm zpool-list'; ${zpoolList} 2>&1; mvm_z=$?; echo "@@rc $mvm_z"; echo '@@mvm zpool-status'; if [ "$mvm_z" = 0 ]; then echo '@@rc 0'; else ${zpoolStatus} 2>&1; echo "@@rc $?"; fi`],
      [['df'], line('df')],
      [['zfs'], line('zfs')],
      [['units'], line('units')],
      [['bridges'], bridgesLine(host)],
      ...(runners ? [[['runners'], runners.runners] as [string[], string]] : []),
      // The tick's check before its counters: the counters' output then comes right before the run's end marker, so
      // sshd reads them together and sends one packet a tick.
      [['runners-check'], runners ? runners.check : ':'],
      [['counters'], countersLine(host)],
    ];
    const lines = new Map<string, number>();
    out.forEach(([names], i) => names.forEach((n) => lines.set(n, i)));
    g = { script: `${out.map(([, l]) => l).join('\n')}\n`, lines };
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
