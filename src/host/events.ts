import type { HostConfig } from '../config/types.js';
import { fullUnit } from '../model/unit-name.js';
import { AUTOSTART_TARGET } from './gather.js';
import { shJoin } from './quote.js';

// The hypervisor's own change events, on one kept channel per host (src/services/status-events.ts). Each source runs
// in the background of one shell and every line it prints (stdout and stderr) goes out prefixed with its tag; when a
// source ends, `TAG @@end RC` says so. `@@mvm-events ready` follows once every source is started. Then the shell
// waits on the channel's stdin (the client writes nothing and keeps it open): when the channel closes (the client
// quit, or sshd saw the connection drop) the read ends and `kill 0` ends every source, with no periodic wake-up.
//   bus:  systemd's PropertiesChanged signals of the Unit interface (ActiveState, SubState, StateChangeTimestamp)
//         for the units that show on the host's VMs and storage only (`busctl monitor`, root only; systemd sends them
//         while a client such as logind is subscribed): a unit's state change within milliseconds, filtered by the
//         bus daemon, so the signals of other units (SSH sessions' scopes, timers) never wake the stream;
//   unit: PID 1's journal messages (every unit start, stop, failure, restart and reload), JSON with a few fields
//         (journald tells its followers about new entries at most every 250 ms: the bus is faster);
//   link: `ip -o monitor link`, one line per change (bridges and TAPs appearing, going down, losing carrier;
//         iproute2 6.1 prints text even with -j);
//   pool: `zpool events -f` where OpenZFS has it (zfs-fuse has not: the source ends and pools are polled).
// Nothing here changes anything on the host.

export const EVENTS_READY = '@@mvm-events ready';
export const SOURCE_END = '@@end ';

const SIGNAL = 'type=signal,sender=org.freedesktop.systemd1,interface=org.freedesktop.DBus.Properties,member=PropertiesChanged';
/** Above this many units the bus source takes every unit's signals (one match rule) instead of one rule per unit:
 *  the bus daemons allow a few hundred rules per connection. */
const MAX_BUS_RULES = 200;

/** The units whose bus signals the stream takes: every VM's unit with microvm.nix's per-VM units (tap and macvtap
 *  interfaces, virtiofsd), the storage unit, Comin and microvms.target. */
export function busUnits(host: HostConfig): string[] {
  const perVm = host.vms.flatMap((v) => [fullUnit(v.unit), ...['microvm-tap-interfaces', 'microvm-macvtap-interfaces', 'microvm-virtiofsd'].map((p) => `${p}@${v.name}.service`)]);
  return [...new Set([...perVm, fullUnit(host.storageUnit), 'comin.service', AUTOSTART_TARGET])];
}

/** The object path label of `unit` (sd-bus escaping: every byte but a letter, or a digit after the first, as `_XX`). */
export function escapeBusPath(unit: string): string {
  return [...Buffer.from(unit, 'utf8')]
    .map((b, i) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z]/.test(c) || (i > 0 && /[0-9]/.test(c)) ? c : `_${b.toString(16).padStart(2, '0')}`;
    })
    .join('');
}

/** `busctl monitor`'s match rules for `host` (every unit when the host has none configured). */
export function busMatches(host?: HostConfig): string[] {
  const units = host ? busUnits(host) : [];
  const unitIface = 'arg0=org.freedesktop.systemd1.Unit';
  if (!units.length || units.length > MAX_BUS_RULES) return ['--match', `${SIGNAL},path_namespace=/org/freedesktop/systemd1/unit,${unitIface}`];
  return units.flatMap((u) => ['--match', `${SIGNAL},path=/org/freedesktop/systemd1/unit/${escapeBusPath(u)},${unitIface}`]);
}

export const EVENT_SOURCES = {
  bus: ['busctl', 'monitor', '--json=short'],
  unit: ['journalctl', '-f', '-n', '0', '-o', 'json', '--output-fields=UNIT,JOB_RESULT,MESSAGE_ID', '_PID=1'],
  link: ['ip', '-o', 'monitor', 'link'],
  pool: ['zpool', 'events', '-f', '-H'],
} as const;

export type EventSourceName = keyof typeof EVENT_SOURCES;

/** Sources the host must have for event mode; the others are used where they run. */
export const REQUIRED_SOURCES: readonly EventSourceName[] = ['unit', 'link'];

/** The stream's command line: every source in the background of one shell (the stream's process group). */
export function eventsCommand(host?: HostConfig): string {
  const argv = (tag: EventSourceName): readonly string[] => (tag === 'bus' ? [...EVENT_SOURCES.bus, ...busMatches(host)] : EVENT_SOURCES[tag]);
  const tagged = (Object.keys(EVENT_SOURCES) as EventSourceName[]).map(
    (tag) => `{ ${shJoin(argv(tag))} 2>&1; echo "${SOURCE_END}$?"; } | while IFS= read -r mvm_e; do printf '%s %s\\n' ${tag} "$mvm_e"; done &`,
  );
  // Then wait for the channel to close (stdin's end: the client quit, or the connection dropped and sshd ended the
  // session, when no kill can reach the host) and end the whole stream (`kill 0`: the process group), rather than
  // leave its idle sources waiting forever.
  // A channel closed while the sources start (the client hung up) makes the ready line's write fail: SIGPIPE would end
  // this shell before its `kill 0`, leaving a quiet source (ip monitor) to PID 1 for good (seen on the lab), so that
  // signal, and SIGHUP, end the stream too (a trap is not inherited by the sources' subshells).
  return ["trap 'kill 0' HUP PIPE", ...tagged, `echo '${EVENTS_READY}'`, 'while read -r mvm_x; do :; done', 'kill 0'].join('\n');
}
