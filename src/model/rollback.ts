import type { SnapshotInfo } from './snapshots.js';

// A rollback as the user confirms it (what it touches) and as it ended (what was done), and the paragraph that
// tells the user where things are after it. The steps that run it are in services/rollback.ts. Pure.

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
