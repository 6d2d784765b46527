import { shJoin } from './quote.js';

// ZFS names and the remote commands built from them. Every builder validates its names first (a stricter
// subset of OpenZFS's zfs_namecheck.c: no spaces, no '%', no leading '-') and returns a quoted command line,
// so a hostile name is refused here, before anything could reach a shell.

/** OpenZFS ZFS_MAX_DATASET_NAME_LEN is 256 including the NUL: a full name is at most 255 characters. */
export const MAX_NAME_LEN = 255;

const COMPONENT_RE = /^[A-Za-z0-9_.:-]+$/;

export class ZfsNameError extends Error {
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`invalid ZFS name ${JSON.stringify(input)}: ${reason}`);
    this.name = 'ZfsNameError';
  }
}

/** Why `s` is not a usable component (dataset path element or snapshot name), or undefined when it is. */
function componentProblem(s: string): string | undefined {
  if (s.length === 0) return 'empty name';
  if (!COMPONENT_RE.test(s)) return 'only letters, digits and _ - . : are allowed';
  if (s.startsWith('-')) return 'must not start with "-"';
  if (s === '.' || s === '..') return '"." and ".." are not names';
  return undefined;
}

/** Checks a dataset name such as microvms/storage/vm1; returns the reason it is refused, or undefined. */
export function datasetProblem(name: string): string | undefined {
  if (name.includes('@')) return 'a dataset name has no "@"';
  if (name.length > MAX_NAME_LEN) return `longer than ${MAX_NAME_LEN} characters`;
  const parts = name.split('/');
  for (const p of parts) {
    const why = componentProblem(p);
    if (why) return p.length === 0 ? 'empty path element (leading, trailing or double "/")' : why;
  }
  if (!/^[A-Za-z]/.test(parts[0] ?? '')) return 'a pool name starts with a letter';
  return undefined;
}

/** Checks the part after '@' (given the dataset, for the total length). */
export function snapshotNameProblem(snap: string, dataset = ''): string | undefined {
  if (snap.includes('@')) return 'a snapshot name has no "@" of its own';
  if (snap.includes('/')) return 'a snapshot name has no "/"';
  const why = componentProblem(snap);
  if (why) return why;
  if (dataset.length + 1 + snap.length > MAX_NAME_LEN) return `dataset@snapshot is longer than ${MAX_NAME_LEN} characters`;
  return undefined;
}

export function assertDataset(name: string): string {
  const why = datasetProblem(name);
  if (why) throw new ZfsNameError(name, why);
  return name;
}

/** Validates DATASET@SNAP (exactly one '@') and returns its parts. */
export function splitSnapshot(full: string): { dataset: string; snapshot: string } {
  const at = full.indexOf('@');
  if (at < 0) throw new ZfsNameError(full, 'not a snapshot (no "@"); datasets and pools are never destroyed from here');
  const dataset = full.slice(0, at);
  const snapshot = full.slice(at + 1);
  const why = datasetProblem(dataset) ?? snapshotNameProblem(snapshot, dataset);
  if (why) throw new ZfsNameError(full, why);
  return { dataset, snapshot };
}

export function snapshotFull(dataset: string, snap: string): string {
  assertDataset(dataset);
  const why = snapshotNameProblem(snap, dataset);
  if (why) throw new ZfsNameError(snap, why);
  return `${dataset}@${snap}`;
}

/** The seed's snapshot name: YYYYMMDD-HHMM in UTC. */
export function defaultSnapshotName(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${at.getUTCFullYear()}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}-${p(at.getUTCHours())}${p(at.getUTCMinutes())}`;
}

/** `base`, or `base-2`, `base-3`... whichever is not taken yet. */
export function uniqueSnapshotName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** Where the pre-rollback state is kept: DATASET-pre-rollback-YYYYMMDD-HHMMSS (UTC). */
export function preservedDatasetName(dataset: string, at: Date): string {
  const stamp = `${defaultSnapshotName(at)}${String(at.getUTCSeconds()).padStart(2, '0')}`;
  return assertDataset(`${dataset}-pre-rollback-${stamp}`);
}

/** The properties listed for the browser; all exist on zfs-fuse (pool v23) and OpenZFS 2.x. */
export const LIST_PROPERTIES = ['used', 'referenced', 'creation'] as const;

// -- command builders: each returns the exact line sent to the hypervisor's shell ----------------------------

/** Every dataset and snapshot under `root` with exact numbers. No `-t`: zfs-fuse's `zfs get` lacks it, so
 *  callers tell snapshots apart by their '@'. */
export function zfsListCmd(root: string): string {
  return shJoin(['zfs', 'get', '-H', '-p', '-o', 'name,property,value', '-r', LIST_PROPERTIES.join(','), assertDataset(root)]);
}

export function zfsSnapshotCmd(dataset: string, snap: string, opts: { recursive?: boolean } = {}): string {
  return shJoin(['zfs', 'snapshot', ...(opts.recursive ? ['-r'] : []), snapshotFull(dataset, snap)]);
}

/** Destroys exactly one snapshot; refuses anything without '@' (a dataset or a pool). Never -r/-R. */
export function zfsDestroySnapshotCmd(full: string): string {
  splitSnapshot(full);
  return shJoin(['zfs', 'destroy', full]);
}

export function zfsDiffCmd(full: string): string {
  splitSnapshot(full);
  return shJoin(['zfs', 'diff', '-H', full]);
}

/** Mountpoint value and its source (local / inherited from X / default). */
export function zfsGetMountpointCmd(dataset: string): string {
  return shJoin(['zfs', 'get', '-H', '-o', 'value,source', 'mountpoint', assertDataset(dataset)]);
}

export function zfsRenameCmd(from: string, to: string): string {
  return shJoin(['zfs', 'rename', assertDataset(from), assertDataset(to)]);
}

/** Clones a snapshot; with a mountpoint the clone is mounted there at once (works on zfs-fuse too). */
export function zfsCloneCmd(full: string, target: string, mountpoint?: string): string {
  splitSnapshot(full);
  const o = mountpoint === undefined ? [] : ['-o', `mountpoint=${plainMountpoint(mountpoint)}`];
  return shJoin(['zfs', 'clone', ...o, full, assertDataset(target)]);
}

/** zfs-fuse cannot rename a mounted dataset ("dataset is busy"): unmount first, mount after. */
export function zfsUnmountCmd(dataset: string): string {
  return shJoin(['zfs', 'umount', assertDataset(dataset)]);
}

/**
 * PID and command name of each process whose working directory or an open file is at or below `path`: who keeps
 * a dataset busy. One `find` over /proc (fuser is not on every host); the path travels as an argument.
 */
export function holdersCmd(path: string): string {
  const script = 'find /proc/[0-9]*/cwd /proc/[0-9]*/fd -maxdepth 1 \\( -lname "$1" -o -lname "$1/*" \\) 2>/dev/null'
    + ' | cut -d/ -f3 | sort -un | while read -r p; do echo "$p $(cat /proc/$p/comm 2>/dev/null)"; done';
  return shJoin(['sh', '-c', script, 'holders', path]);
}

export function zfsMountCmd(dataset: string): string {
  return shJoin(['zfs', 'mount', assertDataset(dataset)]);
}

/** Prints yes or no. */
export function zfsGetMountedCmd(dataset: string): string {
  return shJoin(['zfs', 'get', '-H', '-o', 'value', 'mounted', assertDataset(dataset)]);
}

export function zfsPromoteCmd(dataset: string): string {
  return shJoin(['zfs', 'promote', assertDataset(dataset)]);
}

/** Sets an absolute mountpoint; the path is checked to be plain (it lands on the host's mount table). */
export function zfsSetMountpointCmd(dataset: string, mountpoint: string): string {
  return shJoin(['zfs', 'set', `mountpoint=${plainMountpoint(mountpoint)}`, assertDataset(dataset)]);
}

function plainMountpoint(mountpoint: string): string {
  if (!/^\/[A-Za-z0-9_.:/+-]*$/.test(mountpoint) || mountpoint.split('/').includes('..')) {
    throw new ZfsNameError(mountpoint, 'not a plain absolute mountpoint');
  }
  return mountpoint;
}

/** The datasets a refused destroy depends on (a snapshot's clones): OpenZFS lists them one per line after "use '-R'
 *  to destroy the following datasets:". Empty when the refusal names none. */
export function destroyDependents(stderr: string): string[] {
  const lines = stderr.split('\n');
  const at = lines.findIndex((l) => /^use '-R' to destroy the following datasets:/.test(l));
  if (at < 0) return [];
  return lines.slice(at + 1).map((l) => l.trim()).filter((l) => /^[A-Za-z0-9][^\s]*$/.test(l));
}

/** True when a failed `zfs diff` means this ZFS has no diff at all (zfs-fuse), not a failure of this one. */
export function diffUnsupported(stderr: string): boolean {
  return /unrecognized command|invalid command|unknown command|not supported|usage:\s*\n?\s*zfs command/i.test(stderr);
}
