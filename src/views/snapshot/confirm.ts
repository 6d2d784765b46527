import type { RollbackPlan } from '../../model/rollback.js';
import type { SnapshotInfo } from '../../model/snapshots.js';
import { formatTime } from './format.js';

// What the confirmations say, shared by the browser's dialogs and the CLI's prompts.

const MAX_LISTED = 8;

/** The rollback confirmation: what leaves the dataset, where it is kept, what happens to the VM. */
export function rollbackConfirmLines(p: RollbackPlan, keepRunning: boolean): string[] {
  const names = p.newer.map((s) => '@' + s.name);
  const listed = names.length > MAX_LISTED ? [...names.slice(0, MAX_LISTED), `… ${names.length - MAX_LISTED} more`] : names;
  // Short lines: the dialog is at most 76 columns wide.
  return [
    `${p.dataset} on ${p.host}`,
    `goes back to @${p.target.name} (${formatTime(p.target.createdAt)} UTC).`,
    `Leaves the dataset: every change since @${p.target.name}` + (names.length ? ',' : '.'),
    ...(names.length ? [`and ${names.length} newer snapshot(s) that zfs rollback -r would destroy:`, `  ${listed.join(', ')}`] : []),
    'Nothing is lost; all of it is kept in',
    `  ${p.preserved}`,
    `  mounted at ${p.preservedMountpoint}`,
    '  (zfs destroy -r it when no longer needed).',
    !p.vmActive
      ? `${p.unit} is not running.`
      : keepRunning
        ? `${p.unit} KEEPS RUNNING: its data changes under it.`
        : `${p.unit} is stopped first and started again afterwards.`,
  ];
}

export function destroyConfirmLines(host: string, snaps: SnapshotInfo[]): string[] {
  const listed = snaps.slice(0, MAX_LISTED).map((s) => `  ${s.full}  (${formatTime(s.createdAt)})`);
  if (snaps.length > MAX_LISTED) listed.push(`  … ${snaps.length - MAX_LISTED} more`);
  return [`On ${host}, destroy for good:`, ...listed, 'Datasets are never destroyed from here.'];
}
