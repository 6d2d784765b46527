import { shJoin } from '../host/quote.js';
import {
  holdersCmd,
  preservedDatasetName,
  snapshotFull,
  zfsCloneCmd,
  zfsGetMountedCmd,
  zfsGetMountpointCmd,
  zfsMountCmd,
  zfsPromoteCmd,
  zfsRenameCmd,
  zfsSetMountpointCmd,
  zfsUnmountCmd,
} from '../host/zfs.js';
import type { RollbackPlan, RollbackResult } from '../model/rollback.js';
import { SnapshotLookupError, type SnapshotService } from './snapshots.js';

// Rollback that loses nothing (docs/snapshots-and-rollback.md, "Rolling a VM back without losing anything"): instead of `zfs rollback -r` (which destroys the newer
// snapshots, and any safety snapshot with them), the current dataset is renamed aside with all its
// snapshots, the target snapshot is cloned back under the original name and promoted. The old state and
// the newer snapshots then live in DATASET-pre-rollback-STAMP until the user destroys it.

/** The steps of a plan, in order; `undo` runs when a later essential step fails. Tried on zfs-fuse (pool v23). */
function rollbackSteps(plan: RollbackPlan, keepRunning: boolean) {
  const stop = plan.vmActive && !keepRunning;
  const local = plan.mountpointLocal;
  return {
    stop: stop ? shJoin(['systemctl', 'stop', plan.unit]) : undefined,
    // zfs-fuse refuses to rename a mounted dataset ("dataset is busy"); the unmount fails, and nothing
    // changes, while something (a running VM with keepRunning) still holds files there.
    unmount: zfsUnmountCmd(plan.dataset),
    rename: zfsRenameCmd(plan.dataset, plan.preserved),
    // A local mountpoint travels with the rename: move it aside so the clone can take the original path.
    movePreserved: local ? zfsSetMountpointCmd(plan.preserved, plan.preservedMountpoint) : undefined,
    mountPreserved: zfsMountCmd(plan.preserved),
    clone: zfsCloneCmd(snapshotFull(plan.preserved, plan.target.name), plan.dataset, local ? plan.mountpoint : undefined),
    promote: zfsPromoteCmd(plan.dataset),
    start: stop ? shJoin(['systemctl', 'start', plan.unit]) : undefined,
  };
}

/** Commands the plan runs when all goes well, in order (also what the audit log records). */
export function rollbackCommands(plan: RollbackPlan, keepRunning: boolean): string[] {
  return Object.values(rollbackSteps(plan, keepRunning)).filter((c): c is string => c !== undefined);
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

const BUSY_TRIES = 5;
const BUSY_FIRST_WAIT_MS = 150;

/**
 * A step tried again while ZFS says the dataset is busy: right after the unit stopped, its processes can hold
 * files for a moment (zfs-fuse also releases them asynchronously: "dataset is busy" after an unmount, in 2 of 4
 * rollbacks that followed another one). A refused umount or rename changed nothing, so trying again is safe;
 * waits double from 150 ms, and after ~2.3 s the error stands, naming the processes that still hold the path.
 */
async function whileBusy(attempt: () => Promise<unknown>, holders: () => Promise<string>): Promise<void> {
  for (let i = 1, wait = BUSY_FIRST_WAIT_MS; ; i++, wait *= 2) {
    try {
      await attempt();
      return;
    } catch (e) {
      const msg = (e as Error).message;
      if (!/\bbusy\b/i.test(msg)) throw e;
      if (i >= BUSY_TRIES) {
        const who = (await holders().catch(() => '')).trim().split('\n').filter(Boolean);
        throw new Error(who.length ? `${msg.trim()} (held by ${who.map(holder).join(', ')})` : msg);
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** "1234 sshd" -> "sshd (pid 1234)" */
function holder(line: string): string {
  const [pid, ...comm] = line.trim().split(' ');
  return comm.length ? `${comm.join(' ')} (pid ${pid})` : `pid ${pid}`;
}

/** Carries out a plan through the guard (read-only refused, audited). Undoes the rename if the clone fails. */
export async function executeRollback(svc: SnapshotService, plan: RollbackPlan, opts: { keepRunning?: boolean } = {}): Promise<RollbackResult> {
  const keepRunning = Boolean(opts.keepRunning);
  const commands = rollbackCommands(plan, keepRunning);
  const result: RollbackResult = { plan, stopped: false, started: false, warnings: [], commands };
  const step = rollbackSteps(plan, keepRunning);
  const run = (c: string) => svc.exec(plan.host, c);
  const soft = (c: string, what: string) => run(c).catch((e: Error) => void result.warnings.push(`${what}: ${e.message}`));
  return svc.deps.guard.run({
    host: plan.host,
    target: `${plan.dataset}@${plan.target.name}`,
    action: 'snapshot.rollback',
    command: commands.join(' && '),
    detail: (r) => `old state and ${r.plan.newer.length} newer snapshot(s) kept in ${r.plan.preserved} (mounted at ${r.plan.preservedMountpoint})` + (r.warnings.length ? `; ${r.warnings.join('; ')}` : ''),
    ok: (r) => r.warnings.length === 0,
    run: async () => {
      if (step.stop) {
        await run(step.stop);
        result.stopped = true;
      }
      const restart = async () => {
        if (!step.start) return;
        try {
          await run(step.start);
          result.started = true;
        } catch (e) {
          result.warnings.push(`could not start ${plan.unit} again: ${(e as Error).message}`);
        }
      };
      const fail = async (e: unknown, undo: string[]) => {
        // Put the dataset back where it was, so the VM finds its data as before.
        for (const c of undo) await soft(c, `undo failed (${c})`);
        await restart();
        const undone = result.warnings.length ? `; ${result.warnings.join('; ')}` : '; nothing changed';
        return new Error(`rollback failed: ${(e as Error).message}${undone}`);
      };
      const holders = () => run(holdersCmd(plan.mountpoint));
      try {
        await whileBusy(() => run(step.unmount), holders);
      } catch (e) {
        throw await fail(e, []);
      }
      try {
        await whileBusy(() => run(step.rename), holders);
      } catch (e) {
        throw await fail(e, [zfsMountCmd(plan.dataset)]);
      }
      try {
        if (step.movePreserved) await run(step.movePreserved);
        await run(step.clone);
      } catch (e) {
        throw await fail(e, [
          ...(plan.mountpointLocal ? [zfsUnmountCmd(plan.preserved), zfsSetMountpointCmd(plan.preserved, plan.mountpoint)] : []),
          zfsRenameCmd(plan.preserved, plan.dataset),
          zfsMountCmd(plan.dataset),
        ]);
      }
      // Some ZFS versions mount on `set mountpoint` or `clone`, others do not: mount only what is not mounted.
      const ensureMounted = async (ds: string, mountCmd: string) => {
        const mounted = await run(zfsGetMountedCmd(ds)).catch(() => 'no');
        if (mounted.trim() !== 'yes') await soft(mountCmd, `${ds} is not mounted (mount it with \`zfs mount ${ds}\`)`);
      };
      await ensureMounted(plan.preserved, step.mountPreserved);
      // Without promote the rolled-back dataset depends on the preserved one, which then cannot be destroyed.
      await soft(step.promote, `promote failed (${plan.preserved} cannot be destroyed before \`zfs promote ${plan.dataset}\`)`);
      await ensureMounted(plan.dataset, zfsMountCmd(plan.dataset));
      await restart();
      return result;
    },
  });
}
