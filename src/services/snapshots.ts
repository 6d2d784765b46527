import type { HostConfig, Inventory, VmConfig } from '../config/types.js';
import { shJoin } from '../host/quote.js';
import {
  defaultSnapshotName,
  destroyDependents,
  diffUnsupported,
  snapshotFull,
  uniqueSnapshotName,
  zfsDestroySnapshotCmd,
  zfsDiffCmd,
  zfsListCmd,
  zfsSnapshotCmd,
} from '../host/zfs.js';
import { decodeZfsDiffLine } from '../parsers/zfs-diff.js';
import { parseZfsGet } from '../parsers/zfs-get.js';
import type { Transport } from '../ssh/types.js';
import type { ActionGuard } from './guard.js';
import { listingFromProps, type DiffResult, type SnapshotInfo, type SnapshotListing, type SnapshotPlan } from '../model/snapshots.js';

// Listing, creating, destroying and diffing snapshots. Rollback lives in rollback.ts. Every change goes
// through the ActionGuard (read-only refusal + audit); listing and diff are reads and are never refused.

/** A remote command that failed: the message names the host and carries zfs's own first line. */
export class ZfsCommandError extends Error {
  constructor(
    readonly host: string,
    readonly command: string,
    readonly stderr: string,
    readonly code: number | null,
  ) {
    // zfs's own first line when it said something; stdout is data, never the message.
    const first = stderr.trim().split('\n')[0] || (code === null ? 'the command did not finish (connection dropped or timed out)' : `exit status ${code}`);
    const dependents = destroyDependents(stderr);
    // The first line alone would not say which clone keeps a snapshot: the dependents are named in the message.
    super(`${host}: ${first.replace(/\t/g, ' ')}${dependents.length ? ` (${dependents.join(', ')})` : ''}`);
    this.name = 'ZfsCommandError';
  }
}

/** Not found / ambiguous / no such snapshot: the user's input is wrong (CLI exit 2). */
export class SnapshotLookupError extends Error {
  override name = 'SnapshotLookupError';
}

export interface SnapshotDeps {
  inventory: Pick<Inventory, 'hosts'>;
  transport: Transport;
  guard: ActionGuard;
  now?: () => Date;
}

export class SnapshotService {
  readonly now: () => Date;
  constructor(readonly deps: SnapshotDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  host(name: string): HostConfig {
    const h = this.deps.inventory.hosts.find((x) => x.name === name);
    if (!h) throw new SnapshotLookupError(`no host "${name}" in the inventory`);
    return h;
  }

  /** Finds a VM by name, on `host` or on the only host that has it. */
  vm(vmName: string, hostName?: string): { host: HostConfig; vm: VmConfig } {
    const hosts = hostName ? [this.host(hostName)] : this.deps.inventory.hosts;
    const found = hosts.flatMap((h) => h.vms.filter((v) => v.name === vmName).map((vm) => ({ host: h, vm })));
    if (found.length === 0) throw new SnapshotLookupError(`no VM "${vmName}"${hostName ? ` on ${hostName}` : ''} in the inventory`);
    if (found.length > 1) throw new SnapshotLookupError(`VM "${vmName}" is on several hosts (${found.map((f) => f.host.name).join(', ')}); pick one with --host`);
    return found[0]!;
  }

  /** The recursive-snapshot root of a host: POOL/storage, as in the seed. */
  storageRoot(host: HostConfig): string {
    return `${host.pool}/storage`;
  }

  async exec(host: string, command: string): Promise<string> {
    const r = await this.deps.transport.exec({ host }, command);
    if (r.code !== 0) throw new ZfsCommandError(host, command, r.stderr, r.code);
    return r.stdout;
  }

  /** Snapshots of one dataset (and its children) or, without a dataset, of the host's whole pool. */
  async list(hostName: string, dataset?: string): Promise<SnapshotListing> {
    const host = this.host(hostName);
    const root = dataset ?? host.pool;
    const out = await this.exec(host.name, zfsListCmd(root));
    return listingFromProps(host.name, root, parseZfsGet(out));
  }

  /** Snapshot names already taken under `root` (any depth), for picking a free default name. */
  private async taken(host: string, root: string, recursive: boolean): Promise<Set<string>> {
    const l = await this.list(host, root);
    const sets = l.datasets.filter((d) => recursive || d.name === root).flatMap((d) => d.snapshots.map((s) => s.name));
    return new Set(sets);
  }

  /** Snapshots a VM's dataset as NAME, or as the seed's YYYYMMDD-HHMM (UTC) with a -N suffix when taken. */
  async create(hostName: string, vmName: string, name?: string): Promise<SnapshotInfo['full']> {
    const { host, vm } = this.vm(vmName, hostName);
    return this.snapshot(host, vm.dataset, name, false);
  }

  /** `zfs snapshot -r POOL/storage@NAME`: every VM of the host at the same instant. */
  async createRecursive(hostName: string, name?: string): Promise<SnapshotInfo['full']> {
    const host = this.host(hostName);
    return this.snapshot(host, this.storageRoot(host), name, true);
  }

  private async snapshot(host: HostConfig, dataset: string, name: string | undefined, recursive: boolean): Promise<string> {
    return this.runPlan(await this.plan(host, dataset, name, recursive));
  }

  /** The snapshot `c` would take of a VM's dataset (its name picked now), to confirm before createPlanned runs it. */
  async planCreate(hostName: string, vmName: string, name?: string): Promise<SnapshotPlan> {
    const { host, vm } = this.vm(vmName, hostName);
    return this.plan(host, vm.dataset, name, false);
  }

  /** Takes the planned snapshot with exactly the planned command. */
  createPlanned(plan: SnapshotPlan): Promise<string> {
    return this.runPlan(plan);
  }

  private async plan(host: HostConfig, dataset: string, name: string | undefined, recursive: boolean): Promise<SnapshotPlan> {
    if (name !== undefined) snapshotFull(dataset, name); // refuse a bad name before anything runs
    const taken = await this.taken(host.name, dataset, recursive);
    if (name !== undefined && taken.has(name)) throw new SnapshotLookupError(`snapshot ${dataset}@${name} already exists${recursive ? ' (on this dataset or one below it)' : ''}`);
    const snap = name ?? uniqueSnapshotName(defaultSnapshotName(this.now()), taken);
    return { host: host.name, full: `${dataset}@${snap}`, recursive, command: zfsSnapshotCmd(dataset, snap, { recursive }) };
  }

  private async runPlan(plan: SnapshotPlan): Promise<string> {
    await this.deps.guard.run({
      host: plan.host,
      target: plan.full,
      action: plan.recursive ? 'snapshot.create-recursive' : 'snapshot.create',
      command: plan.command,
      run: () => this.exec(plan.host, plan.command),
    });
    return plan.full;
  }

  /** Destroys snapshots of one VM, each its own audited action; returns what happened to each. */
  async destroy(hostName: string, vmName: string, names: string[]): Promise<Array<{ full: string; ok: boolean; error?: string }>> {
    const { host, vm } = this.vm(vmName, hostName);
    // Validate every name before the first destroy, so a typo in the middle of a list destroys nothing.
    const fulls = names.map((n) => snapshotFull(vm.dataset, n));
    const results: Array<{ full: string; ok: boolean; error?: string }> = [];
    for (const full of fulls) {
      const command = zfsDestroySnapshotCmd(full);
      try {
        await this.deps.guard.run({ host: host.name, target: full, action: 'snapshot.destroy', command, run: () => this.exec(host.name, command) });
        results.push({ full, ok: true });
      } catch (e) {
        if ((e as Error).name === 'ReadOnlyError') throw e;
        results.push({ full, ok: false, error: (e as Error).message });
      }
    }
    return results;
  }

  /** `zfs diff` between a snapshot and now; zfs-fuse has no diff, reported as unsupported rather than failed. */
  async diff(hostName: string, vmName: string, snap: string): Promise<DiffResult> {
    const { host, vm } = this.vm(vmName, hostName);
    const r = await this.deps.transport.exec({ host: host.name }, zfsDiffCmd(snapshotFull(vm.dataset, snap)));
    if (r.code === 0) return { supported: true, lines: r.stdout.split('\n').filter((l) => l.length > 0).map(decodeZfsDiffLine) };
    if (diffUnsupported(r.stderr + r.stdout)) return { supported: false, lines: [], message: `zfs diff is not supported by this ZFS on ${host.name}` };
    throw new ZfsCommandError(host.name, 'zfs diff', r.stderr, r.code);
  }

  /** `systemctl is-active UNIT`: true for anything that is or is about to be running. */
  async unitActive(host: string, unit: string): Promise<boolean> {
    const r = await this.deps.transport.exec({ host }, shJoin(['systemctl', 'is-active', unit]));
    return ['active', 'activating', 'reloading', 'deactivating'].includes(r.stdout.trim());
  }
}
