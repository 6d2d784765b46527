import type { HostConfig, Inventory } from '../config/types.js';
import { EVENTS_STARTING, type HostMode, type HostStatus, type VmStatus } from '../model/status.js';
import type { Transport } from '../ssh/types.js';
import { SECTION_GROUPS, type SectionOutput } from '../host/gather.js';
import { HostEvents, type UnitState } from './status-events.js';
import { ACTIVE_STATES } from '../parsers/status-assemble.js';
import { fullUnit } from '../model/unit-name.js';
import { keepUnchanged } from '../model/status-keep.js';
import { StatusMemo } from '../parsers/status-memo.js';
import { unitDown } from '../model/status-check.js';
import { fetchHostStatus, probeRunningVms, type VmProbe } from './status.js';

// Keeps every host's status fresh, k9s-style: one timer per host; a tick that comes while the host's last
// refresh is still running is skipped (never two refreshes of one host at once); errors back off (the
// interval doubles up to 30 s and resets on success); while a host is unreachable the last good data is
// re-sent marked reachable=false with its error and its own updatedAt, so views can say "stale, 12s".
// VM SSH probes are slower and run on their own cadence, merged into whatever is sent next.
// Statuses go out in batches: one that arrives while other hosts' refreshes or probes still run is held
// until the last of them ends (at most BATCH_MS), so a fleet whose hosts answer within a few ms of each other costs
// the UI one render per round, not one per host (20 hosts: ~14% of a core in renders before this).
// Every host's ticks fall on one common grid (the poller's start plus whole intervals): a host that backed off
// after an error or a slow refresh rejoins the fleet's round instead of keeping a phase, and a batch, of its own.
// A host whose connection comes back up is refreshed at once, whatever its backoff: the connection retries on its
// own every few seconds (jittered), so the backoff here never stacks on it (a 28 s sshd outage took 62 s to
// show reachable when it did).
// Each host keeps its last refresh's parses (StatusMemo: a section whose text did not change is not parsed
// again), and what it sends keeps the previous status's objects for every part that reads the same.
// Event mode (opts.events): per host one stream of the hypervisor's own change events (src/services/status-events.ts);
// once it is up, an event refreshes only the sections it concerns (within EVENT_SETTLE_MS), a tick refreshes the
// counters and runner links, and the whole gather runs every fullEveryMs. A VM unit's bus signal carries its new
// state: that is sent at once (pinned on the VM until a refresh started after the signal reads the unit), without
// waiting for the refresh, nor for a refresh already running, nor for the other hosts' batch; so does the status of an
// event's refresh. Until the stream is up, or after it ended, the host is
// polled as above; a stream that died starts again (backoff 1 s doubling to 30 s), a host that cannot give events
// (a required source missing or not permitted) stays polled, and mode() says why.

/** Longest a status waits for the other hosts' refreshes still running. */
export const BATCH_MS = 200;

export interface StatusPollerOptions {
  intervalMs: number;
  /** How often to probe VMs over SSH through their hypervisor (default 10 s; 0 = never). */
  probeEveryMs?: number;
  onStatus(hs: HostStatus): void;
  now?: () => number;
  /** Budget of one refresh (default: the gather script's default). */
  timeoutMs?: number;
  /** Ceiling of the error backoff (default 30 s). */
  maxBackoffMs?: number;
  /** Drive each host's refresh by its event stream (default: poll only). */
  events?: boolean;
  /** In event mode, how often the whole gather still runs (default 30 s). */
  fullEveryMs?: number;
  /** In event mode, how often pool and storage usage are read besides (default: with the whole gather only). */
  usageEveryMs?: number;
  /** A host's mode changed (events up, or polled and why). */
  onMode?(host: string, mode: HostMode): void;
  /** The event stream's command (default: src/host/events.ts; tests give a host without a source). */
  eventsCommand?: (host: HostConfig) => string;
}

export type { HostMode };

/** Events that arrive together (a crash logs several lines) are refreshed once, this long after the first. */
export const EVENT_SETTLE_MS = 10;
export const DEFAULT_FULL_EVERY_MS = 30_000;
const EVENTS_RETRY_MS = { min: 1_000, max: 30_000 };
/** What a tick refreshes in event mode: the counters that only move (read without a process) and the runner links
 *  (one stat; no event tells of them). Pool and storage usage, which cost a `zpool list` and a `df`, come with the
 *  full refresh and pool events. */
const TICK_SECTIONS: readonly string[] = SECTION_GROUPS.counters;
const USAGE_SECTIONS: readonly string[] = [...SECTION_GROUPS.counters, ...SECTION_GROUPS.usage];
/** Sections that show a VM's change: an event refresh runs these first, the rest (system state) right after. */
const URGENT: ReadonlySet<string> = new Set(['units', 'runners', 'bridges']);

/** What a probe was taken against: the unit's state and since when it is in it. */
const unitKey = (v: VmStatus) => `${v.active}/${v.sub}/${v.since ?? ''}`;
/** A VM whose unit changed state since its probe: not known to answer yet (the card shows "ssh –"). */
const UNPROBED: Pick<VmStatus, 'reachable' | 'probeError'> = { reachable: null, probeError: null };
const DOWN_PROBES = new Map<string, Pick<VmStatus, 'reachable' | 'probeError'>>();
/** A unit that is down cannot answer: the same object per state, so a merged VM keeps its identity. */
const downProbe = (active: string) => DOWN_PROBES.get(active) ?? (DOWN_PROBES.set(active, { reachable: false, probeError: `unit ${active}` }).get(active)!);

interface EventsState {
  stream: HostEvents | null;
  live: boolean;
  mode: HostMode;
  retryMs: number;
  retryTimer: ReturnType<typeof setTimeout> | null;
  /** Sections the next event-mode refresh runs; `all`: the whole gather. */
  want: Set<string>;
  wantAll: boolean;
  settleTimer: ReturnType<typeof setTimeout> | null;
  /** The host's last text of every section (a partial refresh replaces some). */
  sections: Map<string, SectionOutput>;
  lastFullAt: number;
  /** When pool and storage usage were last read (by a full or a usage refresh). */
  lastUsageAt: number;
  /** VM name -> its unit's state from a bus signal (and when it came), shown over refreshes started before it. */
  pinned: Map<string, { state: Pick<VmStatus, 'active' | 'sub' | 'since'>; at: number }>;
}

interface HostState {
  host: HostConfig;
  timer: ReturnType<typeof setTimeout> | null;
  inFlight: Promise<void> | null;
  failures: number;
  lastGood: HostStatus | null;
  latest: HostStatus | null;
  probing: boolean;
  lastProbeAt: number;
  probes: Map<string, VmProbe> | null;
  /** Each VM's unit state (active/sub/since) when the probes were started: a probe tells only about that state. */
  probedAgainst: Map<string, string>;
  skipped: number;
  memo: StatusMemo;
  /** Each VM's last status with its probe merged in, reused while neither changed. */
  withProbes: Map<string, { vm: VmStatus; probe: Pick<VmStatus, 'reachable' | 'probeError'> | undefined; merged: VmStatus }>;
  /** Event mode's state; null when the poller only polls. */
  events: EventsState | null;
  /** The connection came up while a refresh was running: refresh again once it ends, if it failed. */
  upDuringRefresh: boolean;
}

export class StatusPoller {
  private readonly hosts = new Map<string, HostState>();
  private running = false;
  private stopped = false;
  private readonly now: () => number;
  private readonly pending = new Map<string, HostStatus>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the tick grid starts: every tick is due at this plus a whole number of intervals. */
  private phase = 0;
  private offState: (() => void) | null = null;

  constructor(
    private readonly transport: Transport,
    inventory: Inventory,
    private readonly opts: StatusPollerOptions,
  ) {
    this.now = opts.now ?? Date.now;
    for (const host of inventory.hosts) {
      this.hosts.set(host.name, {
        host,
        timer: null,
        inFlight: null,
        failures: 0,
        lastGood: null,
        latest: null,
        probing: false,
        lastProbeAt: -Infinity,
        probes: null,
        probedAgainst: new Map(),
        skipped: 0,
        memo: new StatusMemo(),
        withProbes: new Map(),
        events: opts.events
          ? {
              stream: null,
              live: false,
              mode: { mode: 'polling', why: EVENTS_STARTING },
              retryMs: EVENTS_RETRY_MS.min,
              retryTimer: null,
              want: new Set(),
              wantAll: false,
              settleTimer: null,
              sections: new Map(),
              lastFullAt: -Infinity,
              lastUsageAt: -Infinity,
              pinned: new Map(),
            }
          : null,
        upDuringRefresh: false,
      });
    }
  }

  /** Refreshes every host now, then on its interval. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopped = false;
    this.phase = this.now();
    this.offState = this.transport.onState((s) => {
      const h = this.hosts.get(s.host);
      if (h && s.status === 'up') this.connectionUp(h);
    });
    for (const h of this.hosts.values()) {
      this.tick(h);
      if (h.events) {
        this.opts.onMode?.(h.host.name, h.events.mode);
        this.startEvents(h);
      }
    }
  }

  /** The host's connection is (back) up: a host that was failing is refreshed now, not at its backed-off tick. */
  private connectionUp(h: HostState): void {
    if (!this.running || h.failures === 0) return;
    if (h.inFlight) {
      h.upDuringRefresh = true;
      return;
    }
    void this.refresh(h);
  }

  /** Stops the timers; refreshes still running finish silently (nothing is sent after stop). */
  stop(): void {
    this.running = false;
    this.stopped = true;
    this.offState?.();
    this.offState = null;
    for (const h of this.hosts.values()) {
      if (h.timer) clearTimeout(h.timer);
      h.timer = null;
      if (h.events) this.stopEvents(h.events);
    }
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.pending.clear();
  }

  /** Refreshes one host (or all) right away; joins a refresh already running instead of starting another. */
  async refreshNow(host?: string): Promise<void> {
    const targets = [...this.hosts.values()].filter((h) => host === undefined || h.host.name === host);
    await Promise.all(targets.map((h) => h.inFlight ?? this.refresh(h)));
    // The caller asked for these: they go out now, not with the rest of the fleet.
    this.flush();
  }

  /** The delay before the next refresh of `host`: the interval, doubled per consecutive error up to the ceiling. */
  delayMs(host: string): number {
    const failures = this.hosts.get(host)?.failures ?? 0;
    const max = Math.max(this.opts.maxBackoffMs ?? 30_000, this.opts.intervalMs);
    return Math.min(this.opts.intervalMs * 2 ** Math.min(failures, 20), max);
  }

  /** Ticks skipped because the previous refresh was still running (for tests and diagnostics). */
  skippedTicks(host: string): number {
    return this.hosts.get(host)?.skipped ?? 0;
  }

  /** How `host` is kept fresh (null when the poller only polls). */
  mode(host: string): HostMode | null {
    return this.hosts.get(host)?.events?.mode ?? null;
  }

  /** The last status sent for `host`. */
  current(host: string): HostStatus | null {
    return this.hosts.get(host)?.latest ?? null;
  }

  private schedule(h: HostState): void {
    if (h.timer) clearTimeout(h.timer);
    h.timer = this.running ? setTimeout(() => this.tick(h), this.gridDelay(this.delayMs(h.host.name))) : null;
  }

  /** `delay` from now, moved to the nearest point of the tick grid (at least one point ahead): a timer that
   *  fired a few ms late does not carry its lateness into the next round, nor does an error's backoff. */
  private gridDelay(delay: number): number {
    const every = this.opts.intervalMs;
    const now = this.now();
    if (every <= 0) return delay;
    const steps = Math.max(1, Math.round((now + delay - this.phase) / every));
    return Math.max(0, this.phase + steps * every - now);
  }

  private tick(h: HostState): void {
    if (!this.running) return;
    this.schedule(h);
    const e = h.events;
    if (e?.live) {
      const now = this.now();
      const full = now - e.lastFullAt >= (this.opts.fullEveryMs ?? DEFAULT_FULL_EVERY_MS);
      const usage = this.opts.usageEveryMs !== undefined && now - e.lastUsageAt >= this.opts.usageEveryMs;
      this.want(h, full ? null : usage ? USAGE_SECTIONS : TICK_SECTIONS, 0);
      return;
    }
    if (h.inFlight) {
      h.skipped += 1;
      return;
    }
    void this.refresh(h);
  }

  /** Event mode: the host's status gets `sections` (null: everything) refreshed, `settleMs` from now at the latest
   *  (what is asked meanwhile joins), or right after the refresh running now. */
  private want(h: HostState, sections: readonly string[] | null, settleMs: number): void {
    const e = h.events;
    if (!e?.live || !this.running) return;
    if (sections === null) e.wantAll = true;
    else for (const s of sections) e.want.add(s);
    if (settleMs <= 0) return this.kick(h);
    e.settleTimer ??= setTimeout(() => this.kick(h), settleMs);
  }

  /** Runs the event-mode refresh that is wanted, unless one is running (it kicks again when it ends). */
  private kick(h: HostState): void {
    const e = h.events;
    if (!e) return;
    if (e.settleTimer) clearTimeout(e.settleTimer);
    e.settleTimer = null;
    if (h.inFlight || !e.live || !this.running || (!e.wantAll && e.want.size === 0)) return;
    // Nothing read yet in event mode: the first refresh is the whole gather.
    let only: string[] | undefined;
    if (e.wantAll || e.sections.size === 0) {
      e.want.clear();
      e.wantAll = false;
    } else {
      const wanted = [...e.want];
      const urgent = wanted.filter((s) => URGENT.has(s));
      only = urgent.length ? urgent : wanted;
      for (const s of only) e.want.delete(s);
    }
    void this.refresh(h, only);
  }

  private startEvents(h: HostState): void {
    const e = h.events!;
    e.retryTimer = null;
    const stream = new HostEvents(this.transport, h.host, this.opts.eventsCommand, {
      ready: () => {
        e.live = true;
        e.retryMs = EVENTS_RETRY_MS.min;
        this.setMode(h, { mode: 'events', why: null });
        // Whatever changed before the stream was up is read now.
        this.want(h, null, 0);
      },
      changed: (group) => this.want(h, SECTION_GROUPS[group], EVENT_SETTLE_MS),
      unitState: (unit, st) => this.unitState(h, unit, st),
      ended: (why, unsupported) => {
        e.live = false;
        e.stream = null;
        e.pinned.clear();
        e.want.clear();
        e.wantAll = false;
        this.setMode(h, { mode: 'polling', why });
        if (!this.running) return;
        // Polled from now on; a full refresh now, so nothing that changed while the stream was down is missed.
        if (!h.inFlight) void this.refresh(h);
        if (unsupported) return;
        e.retryTimer = setTimeout(() => this.running && this.startEvents(h), e.retryMs);
        e.retryMs = Math.min(e.retryMs * 2, EVENTS_RETRY_MS.max);
      },
    });
    e.stream = stream;
    stream.start();
  }

  /** A VM unit's state from its bus signal: sent now, over the last status read. */
  private unitState(h: HostState, unit: string, st: UnitState): void {
    const e = h.events;
    const vm = h.host.vms.find((v) => fullUnit(v.unit) === unit);
    if (!e?.live || !this.running || !vm || !ACTIVE_STATES.has(st.active)) return;
    const state = { active: st.active as VmStatus['active'], sub: st.sub, since: st.since === null ? null : new Date(st.since).toISOString() };
    e.pinned.set(vm.name, { state, at: this.now() });
    if (h.lastGood && h.failures === 0) this.emit(h, this.withPins(h, h.lastGood), true);
  }

  /** `hs` with the VMs' bus-signalled states that are newer than its units (read by a refresh started at `readAt`). */
  private withPins(h: HostState, hs: HostStatus, readAt = -Infinity): HostStatus {
    const pinned = h.events?.pinned;
    if (!pinned?.size) return hs;
    for (const [name, p] of pinned) if (p.at <= readAt) pinned.delete(name);
    if (!pinned.size) return hs;
    const pin = (v: VmStatus) => {
      const p = pinned.get(v.name);
      return p && (v.active !== p.state.active || v.sub !== p.state.sub || v.since !== p.state.since) ? { ...v, ...p.state } : v;
    };
    return { ...hs, vms: hs.vms.map(pin) };
  }

  private stopEvents(e: EventsState): void {
    e.stream?.stop();
    e.stream = null;
    e.live = false;
    e.pinned.clear();
    for (const t of [e.retryTimer, e.settleTimer]) if (t) clearTimeout(t);
    e.retryTimer = e.settleTimer = null;
  }

  private setMode(h: HostState, mode: HostMode): void {
    const e = h.events!;
    if (e.mode.mode === mode.mode && e.mode.why === mode.why) return;
    e.mode = mode;
    this.opts.onMode?.(h.host.name, mode);
  }

  /** One refresh: the whole gather, or in event mode only the sections `only` names. */
  private refresh(h: HostState, only?: readonly string[]): Promise<void> {
    const before = h.failures;
    const e = h.events?.live ? h.events : null;
    const run = (async () => {
      const startedAt = this.now();
      const hs = await fetchHostStatus(this.transport, h.host, {
        timeoutMs: this.opts.timeoutMs,
        now: this.now,
        memo: h.memo,
        ...(e ? { events: { only, sections: e.sections } } : {}),
      });
      if (e && !only && hs.reachable) e.lastFullAt = startedAt;
      if (e && (!only || only.includes('zpool-list')) && hs.reachable) e.lastUsageAt = startedAt;
      if (hs.reachable) {
        h.failures = 0;
        h.lastGood = hs;
        // An event's refresh of a VM's state goes out now; a tick's waits for the fleet's batch.
        this.emit(h, this.withPins(h, hs, !only || only.includes('units') ? startedAt : -Infinity), !!only?.some((s) => URGENT.has(s)));
        this.maybeProbe(h, hs);
      } else {
        h.failures += 1;
        // Keep the last good data, marked stale: its own updatedAt says how old it is.
        this.emit(h, h.lastGood ? { ...h.lastGood, reachable: false, error: hs.error } : hs);
      }
      // The backoff changed: the next tick is due at the new delay from now.
      if (h.failures !== before && this.running) this.schedule(h);
    })().finally(() => {
      h.inFlight = null;
      if (h.events?.live) this.kick(h);
      // the connection came up while this refresh ran: if it still failed (it was already failing fast), go again
      if (h.upDuringRefresh) {
        h.upDuringRefresh = false;
        if (h.failures > 0 && this.running) void this.refresh(h);
      }
    });
    h.inFlight = run;
    return run;
  }

  private maybeProbe(h: HostState, hs: HostStatus): void {
    const every = this.opts.probeEveryMs ?? 10_000;
    if (every <= 0 || h.probing || !h.host.vms.length || this.now() - h.lastProbeAt < every) return;
    h.probing = true;
    h.lastProbeAt = this.now();
    const against = new Map(hs.vms.map((v) => [v.name, unitKey(v)]));
    void probeRunningVms(this.transport, hs, h.host)
      .then((probes) => {
        h.probes = probes;
        h.probedAgainst = against;
        if (h.latest) this.emit(h, h.latest);
      })
      .finally(() => {
        h.probing = false;
      });
  }

  /** Sends `hs` (with the probes merged): `now`, or with the batch of the other hosts' refreshes still running. */
  private emit(h: HostState, hs: HostStatus, now = false): void {
    const probes = h.probes;
    const merged = keepUnchanged(h.latest, probes ? { ...hs, vms: hs.vms.map((v) => this.withProbe(h, v, probes.get(v.name))) } : hs);
    h.latest = merged;
    if (this.stopped) return;
    this.pending.set(h.host.name, merged);
    const othersRunning = !now && [...this.hosts.values()].some((o) => o !== h && (o.inFlight || o.probing));
    if (!othersRunning) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  /** `vm` with its probe's outcome; the same object as last time when neither changed (no compare needed).
   *  A probe taken before the unit changed state (stopped, started, restarted) says nothing of the VM now: a
   *  unit that is down cannot answer, and one that came up is not known to answer until probed again (soon). */
  private withProbe(h: HostState, vm: VmStatus, probed: VmProbe | undefined): VmStatus {
    let probe: Pick<VmStatus, 'reachable' | 'probeError'> | undefined = probed;
    const against = h.probedAgainst.get(vm.name);
    if (probed && against !== undefined && against !== unitKey(vm)) {
      probe = unitDown(vm) ? downProbe(vm.active) : UNPROBED;
      h.lastProbeAt = 0; // probe again at the next refresh
    }
    const last = h.withProbes.get(vm.name);
    if (last && last.vm === vm && last.probe === probe) return last.merged;
    const merged = { ...vm, ...probe };
    h.withProbes.set(vm.name, { vm, probe, merged });
    return merged;
  }

  /** Sends every held status in one synchronous burst (the store renders once per burst). */
  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = [...this.pending.values()];
    this.pending.clear();
    if (!this.stopped) for (const hs of batch) this.opts.onStatus(hs);
  }
}
