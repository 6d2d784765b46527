import type { HostConfig } from '../config/types.js';
import { shJoin } from './quote.js';

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

/** The remote script: one line per section, each framed by markers that splitSections reads back. */
export function renderGatherScript(sections: readonly GatherSection[]): string {
  return sections.map((s) => `${shJoin(['echo', `@@mvm ${s.name}`])}; ${shJoin(s.argv)} 2>&1; echo "@@rc $?"`).join('\n') + '\n';
}

const NAME = /^\S+$/;
const RC = /^\d{1,3}$/;

/** Turns the combined output of the script back into section name -> {text, rc}. Never throws. */
export function splitSections(output: string): Map<string, SectionOutput> {
  const out = new Map<string, SectionOutput>();
  if (typeof output !== 'string') return out;
  let name: string | null = null;
  let lines: string[] = [];
  const close = (rc: number | null) => {
    if (name !== null) out.set(name, { text: lines.length ? `${lines.join('\n')}\n` : '', rc });
    name = null;
    lines = [];
  };
  // String searches rather than a regex per line: this runs on every line of every host's refresh (a
  // backtracking `^([\s\S]*)@@rc` per line was the largest single cost of parsing a fleet's output).
  for (const line of output.split('\n')) {
    if (line.startsWith('@@mvm ') && NAME.test(line.slice(6))) {
      close(null);
      name = line.slice(6);
      continue;
    }
    if (name === null) continue;
    // A command whose output has no final newline leaves the rc marker at the end of its last line.
    const at = line.lastIndexOf('@@rc ');
    if (at !== -1 && RC.test(line.slice(at + 5))) {
      if (at > 0) lines.push(line.slice(0, at));
      close(Number(line.slice(at + 5)));
      continue;
    }
    lines.push(line);
  }
  close(null);
  return out;
}
