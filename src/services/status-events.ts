import type { HostConfig } from '../config/types.js';
import { eventsCommand, REQUIRED_SOURCES } from '../host/events.js';
import type { SectionGroup } from '../host/gather.js';
import { parseEventLine } from '../parsers/events.js';
import type { StreamHandle, Transport } from '../ssh/types.js';

// One hypervisor's event stream (src/host/events.ts) turned into what each event concerns: a VM, tap, storage or
// Comin unit (or PID 1 itself: a reload) -> `units`; another unit that failed -> `system` (it degrades the system;
// other units' comings and goings, such as SSH sessions' scopes, wait for the full refresh); a link -> `links`; a
// pool event -> `pools`. The poller (src/services/poller.ts) refreshes those sections
// and starts the stream again, with a full refresh, when it ends.

export interface HostEventsHandlers {
  /** Every source is started: from now on a change reaches the host's status by an event. */
  ready(): void;
  /** Sections to refresh (one call per stream line that is an event). */
  changed(group: SectionGroup): void;
  /** A unit's new state as its bus signal gives it (before `changed` for the same signal): shown at once, until a
   *  refresh started after it reads the unit. */
  unitState?(unit: string, state: UnitState): void;
  /** The stream ended or was refused. `unsupported`: this host cannot give the events (a required source is
   *  missing or not permitted, or the shell cannot run the stream); otherwise it died and can be started again. */
  ended(why: string, unsupported: boolean): void;
}

export interface UnitState {
  active: string;
  sub: string;
  /** When the unit entered this state (ms since the epoch), or null. */
  since: number | null;
}

export class HostEvents {
  private handle: StreamHandle | null = null;
  private live = false;
  private finished = false;
  /** Optional sources that ended (their sections are polled). */
  readonly missing = new Set<string>();
  /** Each unit's last state from a bus signal: systemd also signals a unit it merely loads or unloads (a
   *  `systemctl show` of an unloaded unit does), which must not start a refresh, or the refresh's own
   *  `systemctl show` would start the next one. */
  private readonly busStates = new Map<string, string>();

  constructor(
    private readonly transport: Transport,
    private readonly host: HostConfig,
    private readonly command: ((host: HostConfig) => string) | undefined,
    private readonly on: HostEventsHandlers,
  ) {}

  start(): void {
    let lastErr = '';
    const h = this.transport.stream({ host: this.host.name }, (this.command ?? eventsCommand)(this.host), {
      onLine: (line) => this.line(line),
      onStderr: (t) => (lastErr = t.trim().split('\n').pop() ?? lastErr),
    }, { holdStdin: true });
    this.handle = h;
    h.done.then(
      (r) => {
        if (r.code === null) return this.end(`event stream ended: ${r.signal ? `signal ${r.signal}` : r.stderr.trim() || 'connection dropped'}`, false);
        // Ended on its own before it was ready, with the connection up: this shell cannot run it.
        this.end(`event stream ended (exit ${r.code})${lastErr ? `: ${lastErr}` : ''}`, !this.live);
      },
      (e: unknown) => this.end(`event stream failed: ${e instanceof Error ? e.message : String(e)}`, false),
    );
  }

  /** Ends the stream; nothing is reported after this. */
  stop(): void {
    this.finished = true;
    this.handle?.cancel();
    this.handle = null;
  }

  private end(why: string, unsupported: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.handle?.cancel();
    this.handle = null;
    this.on.ended(why, unsupported);
  }

  private line(line: string): void {
    if (this.finished) return;
    const ev = parseEventLine(line);
    switch (ev.kind) {
      case 'ready':
        this.live = true;
        return this.on.ready();
      case 'unit':
        if (ev.unit !== null && line.startsWith('bus ')) {
          if (ev.state === undefined || this.busStates.get(ev.unit) === ev.state) return;
          this.busStates.set(ev.unit, ev.state);
          if (ev.active !== undefined) this.on.unitState?.(ev.unit, { active: ev.active, sub: ev.sub ?? '', since: ev.since ?? null });
        }
        if (ev.unit === null || this.concerns(ev.unit)) return this.on.changed('units');
        return ev.failed ? this.on.changed('system') : undefined;
      case 'link':
        return this.on.changed('links');
      case 'pool':
        return this.on.changed('pools');
      case 'note':
        if (ev.denied && (REQUIRED_SOURCES as readonly string[]).includes(ev.source)) this.end(`${ev.source} events not permitted: ${ev.text.trim()}`, true);
        return;
      case 'end': {
        if (!(REQUIRED_SOURCES as readonly string[]).includes(ev.source)) {
          this.missing.add(ev.source);
          return;
        }
        // 127: not installed; 1-2 at once: refused or not supported. A source killed later can start again.
        const cannot = ev.rc === 127 || ev.rc === 126 || ev.rc === 1 || ev.rc === 2;
        return this.end(`${ev.source} events ended (exit ${ev.rc ?? '?'})`, cannot);
      }
      default:
        return;
    }
  }

  /** A unit whose change shows on the host's VMs or storage (microvm@, microvm-tap-interfaces@, storage, Comin). */
  private concerns(unit: string): boolean {
    return unit.startsWith('microvm') || unit.startsWith('comin') || unit.startsWith(this.host.storageUnit) || this.host.vms.some((v) => unit.startsWith(v.unit));
  }
}
