// What a host's snapshots are, as the snapshot service reads them (zfs get) and the snapshot pane and the
// `snapshot` subcommand show them. Pure.

export interface SnapshotInfo {
  /** The part after '@'. */
  name: string;
  dataset: string;
  /** dataset@name */
  full: string;
  /** ms since epoch (ZFS keeps seconds). */
  createdAt: number;
  used: number;
  referenced: number;
}

export interface DatasetInfo {
  name: string;
  used?: number;
  referenced?: number;
  /** Newest first. */
  snapshots: SnapshotInfo[];
  /** Sum of the snapshots' `used` (space only each one holds; shared blocks count in none). */
  snapshotsUsed: number;
}

export interface SnapshotListing {
  host: string;
  root: string;
  /** In ZFS's order (parents before children). */
  datasets: DatasetInfo[];
}

/** A snapshot about to be taken: its full name and the exact command (what the confirmation shows and the audit records). */
export interface SnapshotPlan {
  host: string;
  full: string;
  recursive: boolean;
  command: string;
}

export interface DiffResult {
  supported: boolean;
  /** `zfs diff -H` lines: CHANGE<TAB>PATH[<TAB>NEWPATH]. */
  lines: string[];
  message?: string;
}

const num = (s: string | undefined): number => {
  const n = Number(s);
  return s !== undefined && s !== '' && Number.isFinite(n) ? n : 0;
};

/** Turns `parseZfsGet` output into datasets with their snapshots, newest first. Pure; odd rows are skipped. */
export function listingFromProps(host: string, root: string, props: Map<string, Record<string, string>>): SnapshotListing {
  const byName = new Map<string, DatasetInfo>();
  const order: SnapshotInfo[] = [];
  const dataset = (name: string) => {
    let d = byName.get(name);
    if (!d) byName.set(name, (d = { name, snapshots: [], snapshotsUsed: 0 }));
    return d;
  };
  for (const [name, p] of props) {
    const at = name.indexOf('@');
    if (at < 0) {
      const d = dataset(name);
      if (p.used !== undefined) d.used = num(p.used);
      if (p.referenced !== undefined) d.referenced = num(p.referenced);
      continue;
    }
    const ds = name.slice(0, at);
    const s: SnapshotInfo = { name: name.slice(at + 1), dataset: ds, full: name, createdAt: num(p.creation) * 1000, used: num(p.used), referenced: num(p.referenced) };
    order.push(s);
    const d = dataset(ds);
    d.snapshots.push(s);
    d.snapshotsUsed += s.used;
  }
  // ZFS lists snapshots in creation order; creation has 1 s resolution, so ties keep that order reversed.
  const rank = new Map(order.map((s, i) => [s.full, i]));
  for (const d of byName.values()) d.snapshots.sort((a, b) => b.createdAt - a.createdAt || rank.get(b.full)! - rank.get(a.full)!);
  return { host, root, datasets: [...byName.values()] };
}
