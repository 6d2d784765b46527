// The simulated hypervisor: the seed's five VMs as microvm@ units with runners, bridges and taps, a ZFS
// pool with snapshot history, a journal that keeps flowing, one VM that crashes now and then, and
// actions that take a believable moment. Time comes from an injectable Clock.

import { type Clock, realClock, sleep } from './clock.js';
import { bootLines, crashLines, heartbeat, warningLine } from './guest-log.js';
import { Journal } from './journal.js';
import { hexId, mulberry32, storeHash } from './random.js';
import { type UnitState, makeUnit, transition, unitId } from './units.js';
import { ZfsModel } from './zfs-model.js';
import { rebuildLines, runnerBuildLines } from './builds.js';
import { runnerGenerations, seedPool } from './seed-pool.js';

export interface DemoVmSpec {
  name: string;
  role: string;
}

export interface DemoStateOptions {
  clock?: Clock;
  seed?: number;
  /** The VM that crashes now and then (false: none). */
  crashy?: string | false;
  /** The VM whose runner was updated but not restarted (current != booted). */
  outdated?: string | false;
  /** Mean ms between crashes of the crashy VM. */
  crashEveryMs?: number;
  heartbeatMs?: number;
  /** Scale of every action's duration (0.01 in tests that don't care). */
  speed?: number;
  /** A log flood into one VM's journal (`flood N` lines), for trying log panes under load: MVM_DEMO_FLOOD=vm1:2000. */
  flood?: { vm: string; perSec: number } | false;
}

/** MVM_DEMO_FLOOD=VM:LINES_PER_SECOND, or nothing. */
export function floodFromEnv(value: string | undefined): { vm: string; perSec: number } | false {
  const m = /^(\w[\w-]*):(\d+)$/.exec(value ?? '');
  return m ? { vm: m[1]!, perSec: Math.min(50_000, Number(m[2])) } : false;
}

export const DEMO_VMS: DemoVmSpec[] = [
  { name: 'vm1', role: 'desktop' },
  { name: 'vm2', role: 'desktop' },
  { name: 'vm3', role: 'desktop' },
  { name: 'vm4', role: 'k3s' },
  { name: 'vm5', role: 'incus' },
];

export interface DemoVm {
  name: string;
  role: string;
  num: number;
  address: string;
  unit: UnitState;
  dataset: string;
  bridge: string;
  tap: string;
  tapUp: boolean;
  bootedAt: number;
  heartbeatN: number;
  cpuBase: number;
  cpuSince: number;
  memBase: number;
  timers: Array<() => void>;
  /** The two runner generations in the store. */
  generations: string[];
}

export const POOL = 'microvms';
export const MICROVMS_DIR = '/var/lib/microvms';
export const HOSTNAME = 'hypervisor';
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export class DemoHypervisor {
  readonly clock: Clock;
  readonly journal: Journal;
  readonly zfs: ZfsModel;
  readonly hostname = HOSTNAME;
  readonly bootedAt: number;
  readonly vms = new Map<string, DemoVm>();
  readonly units = new Map<string, UnitState>();
  readonly rnd: () => number;
  readonly speed: number;
  systemGeneration: string;
  deployedCommit = 'a3f9c2e7b1d04f6e8c5a9b2d7e1f3c4a6b8d0e2f';
  deploying = false;
  cominFetchedAt = 0;
  private pidCounter = 1200;
  private globalTimers: Array<() => void> = [];
  private opts: Required<Omit<DemoStateOptions, 'clock' | 'seed'>>;

  constructor(options: DemoStateOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.rnd = mulberry32(options.seed ?? 20261126);
    this.opts = {
      crashy: options.crashy ?? 'vm3',
      outdated: options.outdated ?? 'vm2',
      crashEveryMs: options.crashEveryMs ?? 150_000,
      heartbeatMs: options.heartbeatMs ?? 5_000,
      speed: options.speed ?? 1,
      flood: options.flood ?? false,
    };
    this.speed = this.opts.speed;
    const now = this.clock.now();
    this.bootedAt = now - (3 * 86400 + 7 * 3600 + 12 * 60) * 1000;
    this.journal = new Journal(HOSTNAME, BigInt(this.bootedAt) * 1000n);
    this.zfs = new ZfsModel(POOL, Math.round(99.5 * GiB), () => this.clock.now(), (mp) => this.isBusy(mp));
    this.systemGeneration = `/nix/store/${storeHash('system-1')}-nixos-system-hypervisor-25.11.20261120.9e4d3a1`;
    seedPool(this.zfs, DEMO_VMS, now);
    this.buildUnits(now);
    for (const spec of DEMO_VMS) this.addVm(spec, now);
    this.seedJournal(now);
    this.globalTimers.push(this.every(30_000, () => this.background()));
    const flood = this.opts.flood;
    if (flood && flood.perSec > 0) {
      let n = 0;
      this.globalTimers.push(
        this.every(50, () => {
          const vm = this.vms.get(flood.vm);
          if (vm) for (let i = Math.ceil(flood.perSec / 20); i > 0; i--) this.log(vm, `[${vm.name}] flood ${++n}`);
        }),
      );
    }
    // The first crash comes soon, so a new user sees one (and the restart) within a minute.
    if (this.opts.crashy) this.scheduleCrash(this.opts.crashy, Math.min(this.opts.crashEveryMs, 25_000 + this.rnd() * 20_000));
  }

  /** Stops every timer: the demo goes quiet (used when the server stops). */
  dispose(): void {
    for (const c of this.globalTimers) c();
    for (const vm of this.vms.values()) this.clearVmTimers(vm);
  }

  private every(ms: number, fn: () => void): () => void {
    let cancel = () => {};
    const tick = () => {
      fn();
      cancel = this.clock.setTimer(ms, tick);
    };
    cancel = this.clock.setTimer(ms, tick);
    return () => cancel();
  }

  private buildUnits(now: number): void {
    const boot = this.bootedAt + 9000;
    const add = (id: string, desc: string, active: UnitState['active'], sub: string, extra: Partial<UnitState> = {}) =>
      this.units.set(id, makeUnit(id, desc, active, sub, boot, { mainPid: sub === 'running' ? this.pid() : 0, ...extra }));
    add('ebs-volume-microvm-storage.service', 'Attach EBS volume microvm-storage and import its ZFS pool', 'active', 'exited', { type: 'oneshot' });
    add('zfs-import-microvms.service', 'Import ZFS pool "microvms"', 'active', 'exited', { type: 'oneshot' });
    add('microvms.target', 'MicroVMs', 'active', 'active', { extra: { Wants: DEMO_VMS.map((v) => `microvm@${v.name}.service`).join(' ') } });
    add('sshd.service', 'SSH Daemon', 'active', 'running', { memory: () => 6.1 * MiB, cpuNs: () => 2_103_000_000 });
    add('comin.service', 'Comin - GitOps for NixOS Machines', 'active', 'running', { memory: () => 48 * MiB, cpuNs: () => 95_000_000_000 });
    add('nix-daemon.service', 'Nix Daemon', 'active', 'running');
    add('systemd-journald.service', 'Journal Service', 'active', 'running');
    add('systemd-networkd.service', 'Network Configuration', 'active', 'running');
    void now;
  }

  private pid(): number {
    this.pidCounter += 1 + Math.floor(this.rnd() * 40);
    return this.pidCounter;
  }

  private addVm(spec: DemoVmSpec, now: number): void {
    const num = Number(spec.name.replace(/\D/g, ''));
    const unit = makeUnit(`microvm@${spec.name}.service`, `MicroVM '${spec.name}'`, 'inactive', 'dead', this.bootedAt + 9000, { type: 'notify' });
    unit.fragmentPath = '/etc/systemd/system/microvm@.service';
    const vm: DemoVm = {
      name: spec.name,
      role: spec.role,
      num,
      address: `10.${num}.0.2`,
      unit,
      dataset: `${POOL}/storage/${spec.name}`,
      bridge: `br-${spec.name}`,
      tap: `vm-${spec.name}`,
      tapUp: false,
      bootedAt: 0,
      heartbeatN: 0,
      cpuBase: 0,
      cpuSince: 0,
      memBase: { desktop: 1.7 * GiB, k3s: 2.6 * GiB, incus: 1.2 * GiB }[spec.role] ?? GiB,
      timers: [],
      generations: runnerGenerations(spec.name),
    };
    // no process (stopped, failed, or waiting out an auto-restart): no cgroup, so systemd says [not set]
    unit.memory = () => (unit.mainPid !== 0 && (unit.active === 'active' || unit.active === 'activating' || unit.active === 'deactivating') ? Math.round(vm.memBase + Math.min(1, (this.clock.now() - vm.bootedAt) / 600_000) * 0.3 * GiB + this.rnd() * 8 * MiB) : null);
    // CPU time grows at the role's rate with a slow swell (its derivative never goes negative).
    const rate = { desktop: 0.12 + 0.05 * num, k3s: 0.55, incus: 0.22 }[spec.role] ?? 0.2;
    const periodMs = 40_000 + num * 7_000;
    unit.cpuNs = () => {
      if (unit.active === 'inactive' || unit.active === 'failed' || unit.mainPid === 0) return null;
      const t = this.clock.now() - vm.cpuSince;
      return Math.round(vm.cpuBase + 1e6 * (rate * t + 0.6 * rate * periodMs * (1 - Math.cos(t / periodMs))));
    };
    this.vms.set(spec.name, vm);
    this.units.set(unit.id, unit);
    this.units.set(`microvm-tap-interfaces@${spec.name}.service`, makeUnit(`microvm-tap-interfaces@${spec.name}.service`, `Setup MicroVM '${spec.name}' TAP interfaces`, 'inactive', 'dead', this.bootedAt + 9000, { type: 'oneshot' }));
    this.units.set(`microvm-virtiofsd@${spec.name}.service`, makeUnit(`microvm-virtiofsd@${spec.name}.service`, `VirtioFS daemons for MicroVM '${spec.name}'`, 'inactive', 'dead', this.bootedAt + 9000));
    // Already running, booted a while ago (the crashy one restarted a few times since).
    const upFor = (2 * 86400 + num * 3700) * 1000;
    this.bootVm(vm, now - upFor, true);
    if (spec.name === this.opts.crashy) {
      unit.nRestarts = 3;
      this.bootVm(vm, now - 47 * 60_000, true);
    }
    if (spec.name === this.opts.outdated) {
      const fs = this.zfs.get(vm.dataset)!;
      fs.links.current = vm.generations[1]!;
      fs.linkTimes.current = now - 40 * 60_000;
    }
  }

  // ---- runners, bridges, taps ------------------------------------------------------------------

  vmDir(vm: string): string {
    return `${MICROVMS_DIR}/${vm}`;
  }

  /** The symlinks in a VM's directory (inside whatever dataset is mounted there now). */
  links(vm: string): Record<string, string> {
    return this.zfs.mountedAt(this.vmDir(vm))?.links ?? {};
  }

  linkTimes(vm: string): Record<string, number> {
    return this.zfs.mountedAt(this.vmDir(vm))?.linkTimes ?? {};
  }

  private setLink(vm: string, name: string, target: string | null): void {
    const fs = this.zfs.mountedAt(this.vmDir(vm));
    if (!fs) return;
    if (target === null) {
      delete fs.links[name];
      delete fs.linkTimes[name];
    } else {
      fs.links[name] = target;
      fs.linkTimes[name] = this.clock.now();
    }
  }

  private isBusy(mountpoint: string): boolean {
    for (const vm of this.vms.values()) if (this.vmDir(vm.name) === mountpoint && vm.unit.active !== 'inactive' && vm.unit.active !== 'failed') return true;
    return false;
  }

  vmByUnit(unit: string): DemoVm | undefined {
    const id = unitId(unit);
    return [...this.vms.values()].find((v) => v.unit.id === id);
  }

  unit(name: string): UnitState | undefined {
    return this.units.get(unitId(name));
  }

  /** Whether the guest's sshd answers now. */
  reachable(vm: DemoVm): 'yes' | 'refused' | 'no-route' {
    if (vm.unit.active !== 'active') return vm.unit.active === 'inactive' || vm.unit.active === 'failed' ? 'no-route' : 'refused';
    return this.clock.now() - vm.bootedAt >= 3300 ? 'yes' : 'refused';
  }

  // ---- journal -------------------------------------------------------------------------------

  log(vm: DemoVm, message: string, priority = 6): void {
    this.journal.append({ realtimeUs: this.nowUs(), priority, message, identifier: `microvm@${vm.name}`, pid: vm.unit.mainPid || this.pidCounter, comm: 'cloud-hyperviso', unit: vm.unit.id, fromSystemd: false, invocationId: vm.unit.invocationId });
  }

  systemdLog(unit: UnitState, message: string, priority = 6): void {
    this.journal.append({ realtimeUs: this.nowUs(), priority, message, identifier: 'systemd', pid: 1, comm: 'systemd', unit: unit.id, fromSystemd: true, invocationId: unit.invocationId });
  }

  /** A line of a host service's own output (sshd, comin), under its unit. */
  serviceLog(unitId: string, identifier: string, message: string, priority = 6, atUs?: bigint): void {
    const unit = this.units.get(unitId);
    if (!unit) return;
    const realtimeUs = atUs ?? this.nowUs();
    this.journal.append({ realtimeUs, priority, message, identifier, pid: unit.mainPid, comm: identifier, unit: unit.id, fromSystemd: false, invocationId: unit.invocationId });
  }

  /** What sshd and comin print every half minute (no random numbers: the demo's sequence stays as it was). */
  private serviceNoise(n: number): Array<{ unit: string; id: string; message: string }> {
    const port = 40_000 + ((n * 7919) % 20_000);
    return [
      { unit: 'sshd.service', id: 'sshd', message: `Accepted publickey for root from 127.0.0.1 port ${port} ssh2: ED25519 SHA256:mvmtuiDemoKey0x2a` },
      { unit: 'comin.service', id: 'comin', message: 'Fetching repository origin (https://github.com/example/simple-microvm-infra.git)' },
      { unit: 'comin.service', id: 'comin', message: `The remote branch origin/main is at ${this.deployedCommit.slice(0, 8)}: nothing new to deploy` },
    ];
  }

  private serviceNoiseN = 0;

  private lastUs = 0n;
  private nowUs(): bigint {
    // Strictly increasing, like the journal's own realtime stamps.
    let us = BigInt(this.clock.now()) * 1000n + BigInt(Math.floor(this.rnd() * 900));
    if (us <= this.lastUs) us = this.lastUs + 1n;
    this.lastUs = us;
    return us;
  }

  /** A believable backlog: each guest's boot, the crashy VM's last crash, then recent heartbeats. */
  private seedJournal(now: number): void {
    const backlog: Array<{ at: number; vm: DemoVm; message: string; priority: number; systemd?: boolean; service?: { unit: string; id: string } }> = [];
    for (const vm of this.vms.values()) {
      const boot = vm.bootedAt;
      if (vm.name === this.opts.crashy) {
        const crashAt = boot - 5500;
        for (const l of crashLines(vm.name, 3120.5)) backlog.push({ at: crashAt + l.at, vm, message: l.message, priority: l.priority });
        backlog.push({ at: crashAt + 20, vm, systemd: true, priority: 5, message: `${vm.unit.id}: Main process exited, code=exited, status=1/FAILURE` });
        backlog.push({ at: crashAt + 21, vm, systemd: true, priority: 4, message: `${vm.unit.id}: Failed with result 'exit-code'.` });
        backlog.push({ at: boot - 400, vm, systemd: true, priority: 6, message: `${vm.unit.id}: Scheduled restart job, restart counter is at ${vm.unit.nRestarts}.` });
      }
      backlog.push({ at: boot - 300, vm, systemd: true, priority: 6, message: `Starting MicroVM '${vm.name}'...` });
      for (const l of bootLines(vm.name, vm.role, vm.address)) backlog.push({ at: boot + l.at, vm, message: l.message, priority: l.priority });
      backlog.push({ at: boot + 5, vm, systemd: true, priority: 6, message: `Started MicroVM '${vm.name}'.` });
      const hb = this.opts.heartbeatMs;
      const upSec = Math.floor((now - boot) / 1000);
      const count = Math.min(60, Math.floor((now - boot) / hb));
      vm.heartbeatN = Math.floor((now - boot) / hb) - count;
      for (let i = count - 1; i >= 0; i--) {
        vm.heartbeatN++;
        const at = now - i * hb - hb / 2;
        backlog.push({ at, vm, message: heartbeat(vm.name, vm.heartbeatN, upSec - Math.round((i * hb + hb / 2) / 1000)), priority: 6 });
      }
    }
    // sshd's and comin's own lines (J opens them): their start, then every 30 s of the last few minutes
    const anyVm = this.vms.values().next().value as DemoVm;
    const svc = (at: number, unit: string, id: string, message: string) => backlog.push({ at, vm: anyVm, message, priority: 6, service: { unit, id } });
    const start = this.bootedAt + 9000;
    svc(start + 100, 'sshd.service', 'sshd', 'Server listening on 0.0.0.0 port 22.');
    svc(start + 101, 'sshd.service', 'sshd', 'Server listening on :: port 22.');
    svc(start + 300, 'comin.service', 'comin', 'Starting comin: repository origin, branch main, poll every 60s');
    for (let i = 6; i >= 1; i--) this.serviceNoise(++this.serviceNoiseN).forEach((l, k) => svc(now - i * 30_000 + k, l.unit, l.id, l.message));
    backlog.sort((a, b) => a.at - b.at);
    for (const e of backlog) {
      const us = BigInt(Math.round(e.at)) * 1000n + BigInt(Math.floor(this.rnd() * 900));
      this.lastUs = us > this.lastUs ? us : this.lastUs + 1n;
      if (e.service) this.serviceLog(e.service.unit, e.service.id, e.message, e.priority, this.lastUs);
      else if (e.systemd) this.journal.append({ realtimeUs: this.lastUs, priority: e.priority, message: e.message, identifier: 'systemd', pid: 1, comm: 'systemd', unit: e.vm.unit.id, fromSystemd: true, invocationId: e.vm.unit.invocationId });
      else this.journal.append({ realtimeUs: this.lastUs, priority: e.priority, message: e.message, identifier: `microvm@${e.vm.name}`, pid: e.vm.unit.mainPid, comm: 'cloud-hyperviso', unit: e.vm.unit.id, fromSystemd: false, invocationId: e.vm.unit.invocationId });
    }
  }

  // ---- VM lifecycle --------------------------------------------------------------------------

  private clearVmTimers(vm: DemoVm): void {
    for (const c of vm.timers) c();
    vm.timers = [];
  }

  /** Puts a VM in the running state as if it had booted at `at` (used to build the initial state). */
  private bootVm(vm: DemoVm, at: number, quiet: boolean): void {
    const u = vm.unit;
    this.clearVmTimers(vm);
    u.invocationId = hexId(this.rnd);
    u.mainPid = this.pid();
    transition(u, 'active', 'running', at);
    u.result = 'success';
    vm.bootedAt = at;
    vm.cpuBase = 0;
    vm.cpuSince = at;
    vm.tapUp = true;
    for (const id of [`microvm-tap-interfaces@${vm.name}.service`, `microvm-virtiofsd@${vm.name}.service`]) {
      const t = this.units.get(id)!;
      transition(t, 'active', id.includes('tap') ? 'exited' : 'running', at);
    }
    const current = this.links(vm.name).current;
    if (current) this.setLink(vm.name, 'booted', current);
    const fs = this.zfs.mountedAt(this.vmDir(vm.name));
    if (fs) fs.linkTimes.booted = at;
    if (!quiet) for (const l of bootLines(vm.name, vm.role, vm.address)) vm.timers.push(this.clock.setTimer(l.at * this.speed, () => this.log(vm, l.message, l.priority)));
    this.startHeartbeat(vm);
  }

  private startHeartbeat(vm: DemoVm): void {
    vm.timers.push(
      this.every(this.opts.heartbeatMs, () => {
        if (vm.unit.active !== 'active') return;
        vm.heartbeatN++;
        this.log(vm, heartbeat(vm.name, vm.heartbeatN, Math.floor((this.clock.now() - vm.bootedAt) / 1000)));
        this.zfs.write(vm.dataset, Math.round((0.5 + this.rnd()) * MiB));
        if (this.rnd() < 0.06) {
          const w = warningLine(vm.role, this.rnd);
          this.log(vm, w.message, w.priority);
        }
      }),
    );
  }

  private ms(base: number): number {
    return Math.round(base * this.speed);
  }

  /** `systemctl start`: returns once the unit is active (or skipped by its condition). */
  async start(name: string): Promise<void> {
    const vm = this.vms.get(name)!;
    const u = vm.unit;
    if (u.active === 'active' || u.active === 'activating') return;
    const current = this.links(name).current;
    if (!current) {
      u.conditionResult = false;
      u.conditionAt = this.clock.now();
      this.systemdLog(u, `${u.id.replace('.service', '')} was skipped because of an unmet condition check (ConditionPathExists=${this.vmDir(name)}/current/bin/microvm-run).`);
      return;
    }
    u.conditionResult = true;
    u.conditionAt = this.clock.now();
    u.invocationId = hexId(this.rnd);
    u.result = 'success';
    transition(u, 'activating', 'start-pre', this.clock.now());
    this.systemdLog(u, `Starting MicroVM '${name}'...`);
    vm.tapUp = true;
    transition(this.units.get(`microvm-tap-interfaces@${name}.service`)!, 'active', 'exited', this.clock.now());
    transition(this.units.get(`microvm-virtiofsd@${name}.service`)!, 'active', 'running', this.clock.now());
    await sleep(this.clock, this.ms(400));
    u.mainPid = this.pid();
    transition(u, 'activating', 'start', this.clock.now());
    await sleep(this.clock, this.ms(500));
    if ((u.active as string) !== 'activating') return; // stopped meanwhile
    this.bootVm(vm, this.clock.now(), false);
    this.systemdLog(u, `Started MicroVM '${name}'.`);
  }

  /** `systemctl stop`: the guest shuts down, the tap goes away, `booted` is removed. */
  async stop(name: string): Promise<void> {
    const vm = this.vms.get(name)!;
    const u = vm.unit;
    if (u.active === 'inactive' || u.active === 'failed') {
      if (u.sub === 'auto-restart') this.clearVmTimers(vm);
      return;
    }
    this.clearVmTimers(vm);
    if (u.active === 'activating' && u.sub === 'auto-restart') {
      transition(u, 'inactive', 'dead', this.clock.now());
      return;
    }
    transition(u, 'deactivating', 'stop', this.clock.now());
    this.systemdLog(u, `Stopping MicroVM '${name}'...`);
    this.log(vm, `[${((this.clock.now() - vm.bootedAt) / 1000).toFixed(6).padStart(12)}] reboot: Power down`);
    await sleep(this.clock, this.ms(1500));
    this.down(vm, 'success');
    this.systemdLog(u, `${u.id}: Deactivated successfully.`);
    this.systemdLog(u, `Stopped MicroVM '${name}'.`);
    const cpu = (u.cpuNs() ?? 0) / 1e9;
    this.systemdLog(u, `${u.id}: Consumed ${Math.floor(cpu / 60)}min ${(cpu % 60).toFixed(3)}s CPU time.`);
    transition(u, 'inactive', 'dead', this.clock.now());
  }

  private down(vm: DemoVm, result: string): void {
    const u = vm.unit;
    vm.cpuBase = u.cpuNs() ?? 0;
    u.mainPid = 0;
    u.result = result;
    vm.tapUp = false;
    this.setLink(vm.name, 'booted', null);
    for (const id of [`microvm-tap-interfaces@${vm.name}.service`, `microvm-virtiofsd@${vm.name}.service`])
      transition(this.units.get(id)!, 'inactive', 'dead', this.clock.now());
  }

  /** `systemctl restart` (a manual restart: NRestarts does not move). */
  async restart(name: string): Promise<void> {
    await this.stop(name);
    await this.start(name);
  }

  /** The guest dies; systemd's Restart=always brings it back after RestartSec=5s (NRestarts + 1). */
  crash(name: string): void {
    const vm = this.vms.get(name)!;
    const u = vm.unit;
    if (u.active !== 'active') return;
    this.clearVmTimers(vm);
    for (const l of crashLines(name, (this.clock.now() - vm.bootedAt) / 1000)) this.log(vm, l.message, l.priority);
    this.down(vm, 'exit-code');
    this.systemdLog(u, `${u.id}: Main process exited, code=exited, status=1/FAILURE`, 5);
    this.systemdLog(u, `${u.id}: Failed with result 'exit-code'.`, 4);
    transition(u, 'activating', 'auto-restart', this.clock.now());
    vm.timers.push(
      this.clock.setTimer(5000, () => {
        if (u.sub !== 'auto-restart') return;
        u.nRestarts++;
        this.systemdLog(u, `${u.id}: Scheduled restart job, restart counter is at ${u.nRestarts}.`);
        this.systemdLog(u, `Stopped MicroVM '${name}'.`);
        transition(u, 'inactive', 'dead', this.clock.now());
        void this.start(name);
      }),
    );
  }

  private scheduleCrash(name: string, first?: number): void {
    const wait = Math.round(first ?? this.opts.crashEveryMs * (0.6 + this.rnd() * 0.8));
    this.globalTimers.push(
      this.clock.setTimer(wait, () => {
        this.crash(name);
        this.scheduleCrash(name);
      }),
    );
  }

  private background(): void {
    // Low-key noise from the host itself, so a host-wide journal is never silent.
    const sshd = this.units.get('sshd.service')!;
    if (this.rnd() < 0.3) this.systemdLog(sshd, `Started session-${Math.floor(this.rnd() * 900 + 100)}.scope - Session of User root.`);
    for (const l of this.serviceNoise(++this.serviceNoiseN)) this.serviceLog(l.unit, l.id, l.message);
  }

  // ---- runner update and deploy ---------------------------------------------------------------

  /** `nix build ...declaredRunner -o DIR/VM/current`: builds for a moment, then flips `current`. */
  async updateRunner(name: string, out: (line: string) => void, signal?: AbortSignal): Promise<number> {
    const vm = this.vms.get(name)!;
    const current = this.links(name).current;
    const next = vm.generations.find((g) => g !== current) ?? vm.generations[0]!;
    const steps = runnerBuildLines(name, next);
    for (const s of steps) {
      out(s);
      await sleep(this.clock, this.ms(700), signal);
    }
    this.setLink(name, 'current', next);
    return 0;
  }

  /** `nixos-rebuild switch` on the host (the shape of a real run), then a new system generation. */
  async deploy(out: (line: string) => void, signal?: AbortSignal): Promise<number> {
    if (this.deploying) {
      out(`error: another nixos-rebuild is already running`);
      return 1;
    }
    this.deploying = true;
    try {
      const gen = `/nix/store/${storeHash('system-' + this.clock.now())}-nixos-system-hypervisor-25.11.20261126.${storeHash('rev' + this.clock.now()).slice(0, 7)}`;
      const lines = rebuildLines(gen);
      for (const l of lines) {
        out(l);
        await sleep(this.clock, this.ms(l.startsWith('building') ? 1200 : 300), signal);
      }
      this.systemGeneration = gen;
      this.deployedCommit = hexId(this.rnd) + hexId(this.rnd).slice(0, 8);
      return 0;
    } finally {
      this.deploying = false;
    }
  }

  // ---- host figures ----------------------------------------------------------------------------

  loadavg(): [number, number, number] {
    const running = [...this.vms.values()].filter((v) => v.unit.active === 'active').length;
    const t = this.clock.now() / 60_000;
    const base = 0.25 + running * 0.18;
    return [base + 0.2 * Math.sin(t), base + 0.1 * Math.sin(t / 5), base + 0.05 * Math.sin(t / 15)].map((x) => Math.max(0, Math.round(x * 100) / 100)) as [number, number, number];
  }

  memTotalKb(): number {
    return 32_471_236;
  }

  memUsedKb(): number {
    let used = 1.4 * GiB;
    for (const vm of this.vms.values()) used += vm.unit.memory() ?? 0;
    return Math.round(used / 1024);
  }

  uptimeSec(): number {
    return Math.floor((this.clock.now() - this.bootedAt) / 1000);
  }
}
