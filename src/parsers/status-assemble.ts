import type { HostConfig, VmConfig } from '../config/types.js';
import { AUTOSTART_TARGET, runnerLink, unitCgroup, type SectionOutput } from '../host/gather.js';
import { unitActiveSchema, type HostStatus, type PoolStatus, type VmStatus } from '../model/status.js';
import { fullUnit } from '../model/unit-name.js';
import {
  cpuStatNs,
  parseCounterFiles,
  parseDf,
  parseFailedUnits,
  parseIpLinks,
  parseIsSystemRunning,
  parseLoadavg,
  parseMeminfo,
  parseReadlink,
  parseStatLinks,
  parseSysfsLinks,
  parseSystemctlShow,
  parseSystemdTimestamp,
  parseUint,
  parseZfsGet,
  parseZpoolList,
  parseZpoolStatus,
  type IpLink,
} from './index.js';
import { NO_MEMO, type StatusMemo } from './status-memo.js';

// Pure: the split output of one gather script -> HostStatus. Anything missing or unreadable becomes
// 'unknown' / null instead of an error, so one odd command never hides the rest of the host.
// With a memo (one per host, kept by the poller) a section whose text did not change since the last refresh
// is not parsed again, and a VM whose inputs are the same objects as then is not assembled again.

type Sections = ReadonlyMap<string, SectionOutput>;
type Memo = Pick<StatusMemo, 'parse' | 'derive'>;

/** A Set, not the zod schema's safeParse: this runs for every VM on every refresh. */
export const ACTIVE_STATES: ReadonlySet<string> = new Set(unitActiveSchema.options);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A VM as known from the inventory alone (host unreachable or not yet read). */
export function unknownVm(vm: VmConfig): VmStatus {
  return {
    name: vm.name,
    role: vm.role,
    unit: vm.unit,
    active: 'unknown',
    sub: '',
    since: null,
    restarts: null,
    autostart: null,
    result: null,
    runner: 'unknown',
    outdated: null,
    current: null,
    booted: null,
    bridge: 'unknown',
    reachable: null,
    probeError: null,
    dataset: vm.dataset,
    datasetUsed: null,
    snapshots: null,
    newestSnapshot: null,
    newestSnapshotAt: null,
    memoryBytes: null,
    cpuNs: null,
  };
}

/** A host that could not be read: its VMs from the inventory, everything else unknown. */
export function unreachableHost(host: HostConfig, error: string): HostStatus {
  return {
    name: host.name,
    reachable: false,
    error,
    updatedAt: null,
    system: { state: 'unknown', failedUnits: [], load: null, memTotal: null, memAvailable: null },
    pools: [],
    storage: null,
    storageUnit: null,
    vms: host.vms.map(unknownVm),
  };
}

/** The `units` section: one record per VM unit, then microvms.target, then the storage unit. */
function unitRecords(host: HostConfig, recs: Record<string, string>[]) {
  const byVm = new Map<string, Record<string, string>>();
  const byId = new Map(recs.filter((r) => r.Id).map((r) => [r.Id ?? '', r]));
  // systemctl prints one record per argument, in order; match by Id and fall back to position.
  const inOrder = recs.length === host.vms.length + 2;
  host.vms.forEach((vm, i) => {
    const rec = byId.get(fullUnit(vm.unit)) ?? (inOrder ? recs[i] : undefined);
    if (rec) byVm.set(vm.name, rec);
  });
  return {
    byVm,
    target: byId.get(AUTOSTART_TARGET) ?? (inOrder ? recs[host.vms.length] : undefined),
    storage: byId.get(fullUnit(host.storageUnit)) ?? (inOrder ? recs[host.vms.length + 1] : undefined),
  };
}

type Links = { known: boolean; targets: Map<string, string | null> };

const ran = (s: SectionOutput | undefined): s is SectionOutput => !!s && s.rc !== null && s.rc !== 126 && s.rc !== 127;

function runnerLinks(host: HostConfig, sections: Sections, memo: Memo): Links {
  // 126/127: the tool itself could not run, which says nothing about the links.
  const s = sections.get('runners');
  if (ran(s)) return memo.derive('runners', [s.text], () => ({ known: true, targets: parseStatLinks(s.text) }));
  // The earlier layout (one `readlink` section per link), still in captured fixtures.
  const targets = new Map<string, string | null>();
  for (const vm of host.vms) {
    for (const which of ['current', 'booted'] as const) {
      const r = sections.get(`${which}:${vm.name}`);
      if (ran(r)) targets.set(runnerLink(host, vm.name, which), parseReadlink(r.text, r.rc));
    }
  }
  return { known: targets.size > 0, targets };
}

function link(links: Links, path: string): { target: string | null; known: boolean } {
  if (!links.known || !links.targets.has(path)) return { target: null, known: false };
  return { target: links.targets.get(path) ?? null, known: true };
}

function bridgeState(links: IpLink[] | null, name: string): VmStatus['bridge'] {
  if (!links) return 'unknown';
  const l = links.find((x) => x.name === name);
  if (!l) return 'missing';
  if (l.flags.includes('NO-CARRIER')) return 'no-carrier';
  if (!l.flags.includes('UP')) return 'down';
  return l.carrier || l.operstate === 'UP' ? 'up' : 'down';
}

/** The links the bridges' state is read from: event mode's `bridges` (the VM bridges from /sys/class/net: one not
 *  listed does not exist), else `ip -j link show` (all links); null when unreadable. */
function bridgeLinks(sections: Sections, memo: Memo): IpLink[] | null {
  const bridges = sections.get('bridges');
  if (bridges) return bridges.rc === 0 ? memo.parse('bridges', bridges.text, parseSysfsLinks) : null;
  const linksName = sections.has('ip-links') ? 'ip-links' : 'links';
  const linksSec = sections.get(linksName);
  // `ip link show` always lists lo: no links at all means unreadable output, so bridges are unknown, not missing.
  const parsedLinks = linksSec && linksSec.rc === 0 ? memo.parse(linksName, linksSec.text, parseIpLinks) : [];
  return parsedLinks.length ? parsedLinks : null;
}

type Snapshots = Map<string, { count: number; newest: { name: string; at: number | null } | null }>;

/** Every dataset's snapshot count and newest snapshot, in one pass over the `zfs get` records. */
function snapshotsByDataset(zfs: Map<string, Record<string, string>>): Snapshots {
  const out: Snapshots = new Map();
  for (const [name, props] of zfs) {
    const at = name.indexOf('@');
    if (at <= 0 || (props.type && props.type !== 'snapshot')) continue;
    const dataset = name.slice(0, at);
    let s = out.get(dataset);
    if (!s) out.set(dataset, (s = { count: 0, newest: null }));
    s.count += 1;
    const created = parseUint(props.creation);
    if (!s.newest || (created ?? -1) >= (s.newest.at ?? -1)) s.newest = { name: name.slice(at + 1), at: created };
  }
  return out;
}

function vmStatus(
  host: HostConfig,
  vm: VmConfig,
  unit: Record<string, string> | undefined,
  runners: Links,
  links: IpLink[] | null,
  zfs: Map<string, Record<string, string>>,
  snapshots: Snapshots,
  autostart: Set<string> | null,
  cg: { memory: number | null; cpuNs: number | null },
): VmStatus {
  const base = unknownVm(vm);
  const current = link(runners, runnerLink(host, vm.name, 'current'));
  const booted = link(runners, runnerLink(host, vm.name, 'booted'));
  const active = unit?.ActiveState;
  const ds = zfs.get(vm.dataset);
  // once `zfs get` listed the host's datasets, a dataset with no snapshot in it has 0; with no listing, unknown
  const { count, newest } = snapshots.get(vm.dataset) ?? { count: zfs.size ? 0 : null, newest: null };
  return {
    ...base,
    active: active !== undefined && ACTIVE_STATES.has(active) ? (active as VmStatus['active']) : 'unknown',
    sub: unit?.SubState ?? '',
    since: iso(parseSystemdTimestamp(unit?.StateChangeTimestamp) ?? parseSystemdTimestamp(unit?.ActiveEnterTimestamp)),
    restarts: parseUint(unit?.NRestarts),
    autostart: autostart ? autostart.has(fullUnit(vm.unit)) : null,
    result: unit?.Result || null,
    runner: !current.known ? 'unknown' : current.target ? 'present' : 'missing',
    current: current.target,
    booted: booted.target,
    outdated: !current.known || !booted.known ? null : current.target !== null && booted.target !== null && current.target !== booted.target,
    bridge: bridgeState(links, vm.bridge),
    datasetUsed: parseUint(ds?.used),
    snapshots: count,
    newestSnapshot: newest?.name ?? null,
    newestSnapshotAt: newest?.at ? iso(newest.at * 1000) : null,
    memoryBytes: cg.memory ?? parseUint(unit?.MemoryCurrent),
    cpuNs: cg.cpuNs ?? parseUint(unit?.CPUUsageNSec),
  };
}

/** Units wanted by microvms.target, or null when the target is absent or unreadable. */
function autostartUnits(rec: Record<string, string> | undefined): Set<string> | null {
  if (!rec || rec.LoadState !== 'loaded' || rec.Wants === undefined) return null;
  return new Set(rec.Wants.split(/\s+/).filter(Boolean));
}

function pools(list: ReturnType<typeof parseZpoolList>, status: ReturnType<typeof parseZpoolStatus>): PoolStatus[] {
  const out: PoolStatus[] = list.map((r) => ({
    name: r.name,
    health: r.health,
    size: r.size,
    allocated: r.allocated,
    free: r.free,
  }));
  // A pool that `zpool list` did not give (or garbled) still has its state from `zpool status`.
  for (const p of status) {
    if (!out.some((o) => o.name === p.name)) out.push({ name: p.name, health: p.state || 'unknown', size: null, allocated: null, free: null });
  }
  return out;
}

/** Everything one gather script said about `host`, as its HostStatus at time `now`. `memo` (one per host) skips
 *  the sections whose text is the same as at its last refresh. */
export function hostStatusFromSections(host: HostConfig, sections: Sections, opts: { now: number; memo?: StatusMemo }): HostStatus {
  const memo: Memo = opts.memo ?? NO_MEMO;
  const text = (name: string) => sections.get(name)?.text ?? '';
  // Event mode reads load, memory and the VMs' cgroup counters in `counters`, more often than the other sections.
  const countersSec = sections.get('counters');
  const counters = countersSec?.rc === 0 ? memo.parse('counters', countersSec.text, parseCounterFiles) : null;
  const mem = memo.parse('meminfo', counters?.get('/proc/meminfo') ?? text('meminfo'), parseMeminfo);
  const links = bridgeLinks(sections, memo);
  const zfs = memo.parse('zfs', text('zfs'), parseZfsGet);
  const snapshots = memo.derive('snapshots', [zfs], () => snapshotsByDataset(zfs));
  const unitRecs = memo.parse('units', text('units'), parseSystemctlShow);
  const units = memo.derive('unit-records', [host, unitRecs], () => unitRecords(host, unitRecs));
  const runners = runnerLinks(host, sections, memo);
  const df = memo.parse('df', text('df'), parseDf)[0];
  // microvms.target and the storage unit had sections of their own in the earlier layout.
  const su = units.storage ?? memo.parse('storage-unit', text('storage-unit'), parseSystemctlShow)[0];
  const system = sections.get('system');
  const target = units.target ?? memo.parse('autostart', text('autostart'), parseSystemctlShow)[0];
  const autostart = memo.derive('autostart-units', [target], () => autostartUnits(target));
  const poolList = memo.parse('zpool-list', text('zpool-list'), parseZpoolList);
  const poolStatus = memo.parse('zpool-status', text('zpool-status'), parseZpoolStatus);
  return {
    name: host.name,
    reachable: true,
    error: null,
    updatedAt: iso(opts.now),
    system: {
      state: system ? memo.parse('system', system.text, parseIsSystemRunning) : 'unknown',
      failedUnits: memo.parse('failed', text('failed'), parseFailedUnits),
      load: memo.parse('loadavg', counters?.get('/proc/loadavg') ?? text('loadavg'), parseLoadavg),
      memTotal: mem.MemTotal ?? null,
      memAvailable: mem.MemAvailable ?? null,
    },
    pools: memo.derive('pools', [poolList, poolStatus], () => pools(poolList, poolStatus)),
    storage: df ? { mountpoint: df.mountpoint, size: df.size, used: df.used, available: df.available } : null,
    storageUnit: su && su.LoadState && su.LoadState !== 'not-found' ? { name: su.Id || host.storageUnit, active: su.ActiveState || 'unknown' } : null,
    vms: host.vms.map((vm) => {
      const unit = units.byVm.get(vm.name);
      const cg = unitCgroup(vm.unit);
      const memory = parseUint(counters?.get(`${cg}/memory.current`)?.trim());
      const cpuNs = cpuStatNs(counters?.get(`${cg}/cpu.stat`));
      return memo.derive(`vm:${vm.name}`, [host, vm, unit, runners, links, zfs, snapshots, autostart, memory, cpuNs], () =>
        vmStatus(host, vm, unit, runners, links, zfs, snapshots, autostart, { memory, cpuNs }),
      );
    }),
  };
}
