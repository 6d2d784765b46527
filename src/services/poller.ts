import type { HostConfig, Inventory } from '../config/types.js';
import type { HostStatus, VmStatus } from '../model/status.js';
import type { Transport } from '../ssh/types.js';
import { keepUnchanged } from './status-keep.js';
import { StatusMemo } from './status-memo.js';
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
// Each host keeps its last refresh's parses (StatusMemo: a section whose text did not change is not parsed
// again), and what it sends keeps the previous status's objects for every part that reads the same.

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
  skipped: number;
  memo: StatusMemo;
  /** Each VM's last status with its probe merged in, reused while neither changed. */
  withProbes: Map<string, { vm: VmStatus; probe: VmProbe | undefined; merged: VmStatus }>;
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
        skipped: 0,
        memo: new StatusMemo(),
        withProbes: new Map(),
      });
    }
  }

  /** Refreshes every host now, then on its interval. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopped = false;
    this.phase = this.now();
    for (const h of this.hosts.values()) this.tick(h);
  }

  /** Stops the timers; refreshes still running finish silently (nothing is sent after stop). */
  stop(): void {
    this.running = false;
    this.stopped = true;
    for (const h of this.hosts.values()) {
      if (h.timer) clearTimeout(h.timer);
      h.timer = null;
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
    if (h.inFlight) {
      h.skipped += 1;
      return;
    }
    void this.refresh(h);
  }

  private refresh(h: HostState): Promise<void> {
    const before = h.failures;
    const run = (async () => {
      const hs = await fetchHostStatus(this.transport, h.host, { timeoutMs: this.opts.timeoutMs, now: this.now, memo: h.memo });
      if (hs.reachable) {
        h.failures = 0;
        h.lastGood = hs;
        this.emit(h, hs);
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
    });
    h.inFlight = run;
    return run;
  }

  private maybeProbe(h: HostState, hs: HostStatus): void {
    const every = this.opts.probeEveryMs ?? 10_000;
    if (every <= 0 || h.probing || !h.host.vms.length || this.now() - h.lastProbeAt < every) return;
    h.probing = true;
    h.lastProbeAt = this.now();
    void probeRunningVms(this.transport, hs, h.host)
      .then((probes) => {
        h.probes = probes;
        if (h.latest) this.emit(h, h.latest);
      })
      .finally(() => {
        h.probing = false;
      });
  }

  private emit(h: HostState, hs: HostStatus): void {
    const probes = h.probes;
    const merged = keepUnchanged(h.latest, probes ? { ...hs, vms: hs.vms.map((v) => this.withProbe(h, v, probes.get(v.name))) } : hs);
    h.latest = merged;
    if (this.stopped) return;
    this.pending.set(h.host.name, merged);
    const othersRunning = [...this.hosts.values()].some((o) => o !== h && (o.inFlight || o.probing));
    if (!othersRunning) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  /** `vm` with its probe's outcome; the same object as last time when neither changed (no compare needed). */
  private withProbe(h: HostState, vm: VmStatus, probe: VmProbe | undefined): VmStatus {
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
