import type { Inventory } from '../config/types.js';
import { hostStatusSchema, type HostStatus, type VmStatus } from '../model/status.js';
import { StatusPoller } from '../services/poller.js';
import { hostProblems, vmProblems } from '../model/status-check.js';
import type { Transport } from '../ssh/types.js';

// `mvm-tui status --watch`: stays running and prints whenever a host's status changes, like `kubectl get -w`.
// A change is anything but the counters that move on their own (load, free memory, the VMs' memory and CPU, pool,
// dataset and storage usage) and the refresh time. Text: each host's full state first, then a line per host or VM
// that changed. --json: NDJSON, {"at": ISO time this client saw it, "host": the host's status as in status --json},
// the first line per host its full state. Ends on Ctrl-C / SIGTERM (exit 0).

export interface WatchOptions {
  json: boolean;
  probe: boolean;
  write(text: string): void;
  now?: () => number;
}

/** The status without what moves on its own: equal for two statuses that differ only in counters. */
export function changeKey(hs: HostStatus): string {
  return JSON.stringify({
    ...hs,
    updatedAt: null,
    system: { ...hs.system, load: null, memAvailable: null },
    pools: hs.pools.map((p) => ({ ...p, allocated: null, free: null })),
    storage: hs.storage ? { ...hs.storage, used: null, available: null } : null,
    vms: hs.vms.map(vmKey),
  });
}

const vmKey = (v: VmStatus) => ({ ...v, memoryBytes: null, cpuNs: null, datasetUsed: null });

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);

function hostText(hs: HostStatus): string {
  if (!hs.reachable) return `UNREACHABLE: ${hs.error ?? 'unknown error'}`;
  const parts = [`system ${hs.system.state}`];
  for (const p of hs.pools) parts.push(`pool ${p.name} ${p.health}`);
  if (hs.storageUnit) parts.push(`${hs.storageUnit.name.replace(/\.service$/, '')} ${hs.storageUnit.active}`);
  const problems = hostProblems(hs);
  return `${parts.join('  ')}${problems.length ? `  ! ${problems.join(', ')}` : ''}`;
}

function vmText(v: VmStatus): string {
  const parts = [
    `${v.active}${v.sub ? `/${v.sub}` : ''}`,
    `restarts ${v.restarts ?? '-'}`,
    `runner ${v.runner}${v.outdated ? ' (outdated)' : ''}`,
    `bridge ${v.bridge}`,
    `ssh ${v.reachable === null ? '-' : v.reachable ? 'yes' : 'no'}`,
  ];
  const problems = vmProblems(v);
  return `${parts.join('  ')}${problems.length ? `  ! ${problems.join(', ')}` : ''}`;
}

/** What to print for `hs` given the host's last printed status (null: the first, its full state). */
export function watchLines(prev: HostStatus | null, hs: HostStatus, at: number, json: boolean): string[] {
  if (json) return [JSON.stringify({ at: new Date(at).toISOString(), host: hostStatusSchema.parse(hs) })];
  const t = clock(at);
  const out: string[] = [];
  const hostChanged = !prev || hostText(prev) !== hostText(hs);
  if (hostChanged) out.push(`${t}  ${hs.name}  ${hostText(hs)}`);
  for (const v of hs.vms) {
    const before = prev?.vms.find((p) => p.name === v.name);
    const text = vmText(v);
    if (!before || vmText(before) !== text) out.push(`${t}  ${hs.name}/${v.name}  ${text}`);
  }
  return out;
}

/** Runs until `stop` resolves; prints as statuses change. */
export async function watchStatus(transport: Transport, inventory: Inventory, opts: WatchOptions, stop: Promise<void>): Promise<void> {
  const now = opts.now ?? Date.now;
  const printed = new Map<string, { key: string; hs: HostStatus }>();
  const poller = new StatusPoller(transport, inventory, {
    intervalMs: inventory.refreshMs,
    probeEveryMs: opts.probe ? undefined : 0,
    events: inventory.events,
    fullEveryMs: inventory.fullRefreshMs,
    usageEveryMs: inventory.poolRefreshMs,
    onStatus: (hs) => {
      const key = changeKey(hs);
      const last = printed.get(hs.name);
      if (last?.key === key) return;
      printed.set(hs.name, { key, hs });
      const lines = watchLines(last?.hs ?? null, hs, now(), opts.json);
      if (lines.length) opts.write(`${lines.join('\n')}\n`);
    },
  });
  poller.start();
  try {
    await stop;
  } finally {
    poller.stop();
  }
}
