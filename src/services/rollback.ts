import { shJoin } from '../host/quote.js';
import {
  preservedDatasetName,
  snapshotFull,
  zfsCloneCmd,
  zfsGetMountpointCmd,
  zfsPromoteCmd,
  zfsRenameCmd,
  zfsSetMountpointCmd,
} from '../host/zfs.js';
import { SnapshotLookupError, type SnapshotInfo, type SnapshotService } from './snapshots.js';

// Rollback that loses nothing (docs/rollback.md): instead of `zfs rollback -r` (which destroys the newer
// snapshots, and any safety snapshot with them), the current dataset is renamed aside with all its
// snapshots, the target snapshot is cloned back under the original name and promoted. The old state and
// the newer snapshots then live in DATASET-pre-rollback-STAMP until the user destroys it.

export interface RollbackPlan {
  host: string;
  vm: string;
  unit: string;
  dataset: string;
  target: SnapshotInfo;
  /** Snapshots newer than the target: `zfs rollback -r` would destroy them; here they move to `preserved`. */
  newer: SnapshotInfo[];
  preserved: string;
  mountpoint: string;
  /** The mountpoint is set on the dataset itself (it must then be moved and re-set by hand). */
  mountpointLocal: boolean;
  /** Where the preserved dataset ends up mounted. */
  preservedMountpoint: string;
  vmActive: boolean;
}

export interface RollbackResult {
  plan: RollbackPlan;
  stopped: boolean;
  started: boolean;
  /** Steps that did not complete but left a working dataset (promote, restart). */
  warnings: string[];
  commands: string[];
}

/** Commands the plan runs, in order (also what the audit log records). */
export function rollbackCommands(plan: RollbackPlan, keepRunning: boolean): string[] {
  const stop = plan.vmActive && !keepRunning;
  return [
    ...(stop ? [shJoin(['systemctl', 'stop', plan.unit])] : []),
    zfsRenameCmd(plan.dataset, plan.preserved),
    ...(plan.mountpointLocal ? [zfsSetMountpointCmd(plan.preserved, plan.preservedMountpoint)] : []),
    zfsCloneCmd(snapshotFull(plan.preserved, plan.target.name), plan.dataset),
    ...(plan.mountpointLocal ? [zfsSetMountpointCmd(plan.dataset, plan.mountpoint)] : []),
    zfsPromoteCmd(plan.dataset),
    ...(stop ? [shJoin(['systemctl', 'start', plan.unit])] : []),
  ];
}

/** Reads what a rollback of VM to SNAP would touch; changes nothing. */
export async function planRollback(svc: SnapshotService, hostName: string, vmName: string, snap: string): Promise<RollbackPlan> {
  const { host, vm } = svc.vm(vmName, hostName);
  snapshotFull(vm.dataset, snap);
  const listing = await svc.list(host.name, vm.dataset);
  const children = listing.datasets.filter((d) => d.name !== vm.dataset);
  if (children.length) throw new SnapshotLookupError(`${vm.dataset} has child datasets (${children.map((c) => c.name).join(', ')}); rollback here handles a single dataset only`);
  const snaps = listing.datasets.find((d) => d.name === vm.dataset)?.snapshots ?? [];
  const i = snaps.findIndex((s) => s.name === snap);
  if (i < 0) throw new SnapshotLookupError(`no snapshot ${vm.dataset}@${snap}`);
  const now = svc.now();
  const preserved = preservedDatasetName(vm.dataset, now);
  const mp = (await svc.exec(host.name, zfsGetMountpointCmd(vm.dataset))).trim().split('\t');
  const mountpoint = mp[0] ?? '';
  const mountpointLocal = (mp[1] ?? '') === 'local';
  if (mountpointLocal && !mountpoint.startsWith('/')) throw new SnapshotLookupError(`${vm.dataset} has mountpoint=${mountpoint}; rollback needs a mounted dataset`);
  return {
    host: host.name,
    vm: vm.name,
    unit: vm.unit,
    dataset: vm.dataset,
    target: snaps[i]!,
    newer: snaps.slice(0, i), // newest first, as listed
    preserved,
    mountpoint,
    mountpointLocal,
    preservedMountpoint: mountpoint + preserved.slice(vm.dataset.length),
    vmActive: await svc.unitActive(host.name, vm.unit),
  };
}

/** Carries out a plan through the guard (read-only refused, audited). Undoes the rename if the clone fails. */
export async function executeRollback(svc: SnapshotService, plan: RollbackPlan, opts: { keepRunning?: boolean } = {}): Promise<RollbackResult> {
  const keepRunning = Boolean(opts.keepRunning);
  const commands = rollbackCommands(plan, keepRunning);
  const result: RollbackResult = { plan, stopped: false, started: false, warnings: [], commands };
  const run = (c: string) => svc.exec(plan.host, c);
  return svc.deps.guard.run({
    host: plan.host,
    target: `${plan.dataset}@${plan.target.name}`,
    action: 'snapshot.rollback',
    command: commands.join(' && '),
    detail: (r) => `old state and ${r.plan.newer.length} newer snapshot(s) kept in ${r.plan.preserved}` + (r.warnings.length ? `; ${r.warnings.join('; ')}` : ''),
    ok: (r) => r.warnings.length === 0,
    run: async () => {
      if (plan.vmActive && !keepRunning) {
        await run(shJoin(['systemctl', 'stop', plan.unit]));
        result.stopped = true;
      }
      const restart = async () => {
        if (!result.stopped) return;
        try {
          await run(shJoin(['systemctl', 'start', plan.unit]));
          result.started = true;
        } catch (e) {
          result.warnings.push(`could not start ${plan.unit} again: ${(e as Error).message}`);
        }
      };
      try {
        await run(zfsRenameCmd(plan.dataset, plan.preserved));
      } catch (e) {
        await restart();
        throw e;
      }
      try {
        if (plan.mountpointLocal) await run(zfsSetMountpointCmd(plan.preserved, plan.preservedMountpoint));
        await run(zfsCloneCmd(snapshotFull(plan.preserved, plan.target.name), plan.dataset));
      } catch (e) {
        // Put the dataset back where it was, so the VM finds its data as before.
        const undo = [
          ...(plan.mountpointLocal ? [zfsSetMountpointCmd(plan.preserved, plan.mountpoint)] : []),
          zfsRenameCmd(plan.preserved, plan.dataset),
        ];
        for (const c of undo) await run(c).catch((u: Error) => result.warnings.push(`undo failed (${c}): ${u.message}`));
        await restart();
        const msg = `rollback failed: ${(e as Error).message}` + (result.warnings.length ? `; ${result.warnings.join('; ')}` : '; nothing changed');
        throw new Error(msg);
      }
      if (plan.mountpointLocal) {
        await run(zfsSetMountpointCmd(plan.dataset, plan.mountpoint)).catch((e: Error) =>
          result.warnings.push(`${plan.dataset} is not mounted at ${plan.mountpoint}: ${e.message}`),
        );
      }
      // Without promote the rolled-back dataset depends on the preserved one, which then cannot be destroyed.
      await run(zfsPromoteCmd(plan.dataset)).catch((e: Error) =>
        result.warnings.push(`promote failed (${plan.preserved} cannot be destroyed before \`zfs promote ${plan.dataset}\`): ${e.message}`),
      );
      await restart();
      return result;
    },
  });
}

/** One paragraph for the user: where things are now. */
export function describeRollback(r: RollbackResult): string {
  const p = r.plan;
  const lines = [
    `${p.dataset} is now at @${p.target.name}.`,
    `The state before the rollback${p.newer.length ? ` and the newer snapshots (${p.newer.map((s) => '@' + s.name).join(', ')})` : ''} are kept in ${p.preserved} (mounted at ${p.preservedMountpoint}).`,
    `Remove it when no longer needed: zfs destroy -r ${p.preserved}`,
  ];
  if (r.stopped) lines.push(r.started ? `${p.unit} was stopped and started again.` : `${p.unit} was stopped and is NOT running.`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
