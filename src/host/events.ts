import type { HostConfig } from '../config/types.js';
import { shJoin } from './quote.js';

// The hypervisor's own change events, on one kept channel per host (src/services/status-events.ts). Each source runs
// in the background of one shell and every line it prints (stdout and stderr) goes out prefixed with its tag; when a
// source ends, `TAG @@end RC` says so. `@@mvm-events ready` follows once every source is started, then
// `@@mvm-events alive` every 10 s.
//   bus:  systemd's PropertiesChanged signals for its units (`busctl monitor`, root only; systemd sends them while a
//         client such as logind is subscribed): a unit's state change within milliseconds;
//   unit: PID 1's journal messages (every unit start, stop, failure, restart and reload), JSON with a few fields
//         (journald tells its followers about new entries at most every 250 ms: the bus is faster);
//   link: `ip -o monitor link`, one line per change (bridges and TAPs appearing, going down, losing carrier;
//         iproute2 6.1 prints text even with -j);
//   pool: `zpool events -f` where OpenZFS has it (zfs-fuse has not: the source ends and pools are polled).
// Nothing here changes anything on the host.

export const EVENTS_READY = '@@mvm-events ready';
export const SOURCE_END = '@@end ';
export const EVENTS_ALIVE = '@@mvm-events alive';
const HEARTBEAT_S = 10;

export const EVENT_SOURCES = {
  bus: [
    'busctl',
    'monitor',
    '--json=short',
    '--match',
    'type=signal,sender=org.freedesktop.systemd1,interface=org.freedesktop.DBus.Properties,member=PropertiesChanged,path_namespace=/org/freedesktop/systemd1/unit',
  ],
  unit: ['journalctl', '-f', '-n', '0', '-o', 'json', '--output-fields=UNIT,JOB_RESULT,MESSAGE_ID', '_PID=1'],
  link: ['ip', '-o', 'monitor', 'link'],
  pool: ['zpool', 'events', '-f', '-H'],
} as const;

export type EventSourceName = keyof typeof EVENT_SOURCES;

/** Sources the host must have for event mode; the others are used where they run. */
export const REQUIRED_SOURCES: readonly EventSourceName[] = ['unit', 'link'];

/** The stream's command line: every source in the background of one shell (the stream's process group). */
export function eventsCommand(_host?: HostConfig): string {
  const tagged = (Object.keys(EVENT_SOURCES) as EventSourceName[]).map(
    (tag) => `{ ${shJoin(EVENT_SOURCES[tag])} 2>&1; echo "${SOURCE_END}$?"; } | while IFS= read -r mvm_e; do printf '%s %s\\n' ${tag} "$mvm_e"; done &`,
  );
  // Then a heartbeat every 10 s: once the channel is gone (the client quit or the connection dropped, when no kill
  // can reach the host) its write fails and the whole stream ends (`kill 0`: the process group), rather than its
  // idle sources waiting forever.
  return [...tagged, `echo '${EVENTS_READY}'`, `(trap '' PIPE; while sleep ${HEARTBEAT_S}; do echo '${EVENTS_ALIVE}' || exit 0; done)`, 'kill 0'].join('\n');
}
