// An in-memory ZFS pool with the semantics the app relies on: snapshots that share blocks, rollback
// that needs -r past newer snapshots, clones and promote, rename, busy mounted datasets, and the
// contents that matter here (the runner symlinks living inside each VM's dataset).

export interface Dataset {
  name: string;
  type: 'filesystem' | 'snapshot';
  creation: number;
  createtxg: number;
  guid: string;
  referenced: number;
  /** Snapshot: bytes only it holds. Filesystem: unused (computed). */
  unique: number;
  /** Filesystem: bytes written since its newest snapshot. */
  written: number;
  /** Locally set mountpoint (filesystems), or undefined to inherit. */
  mountpoint?: string;
  origin?: string;
  /** Symlinks at the dataset's root: name -> target (the VM's current/booted runners). */
  links: Record<string, string>;
  linkTimes: Record<string, number>;
  /** Filesystems: mounted now; mountSeq orders mounts on the same path (the newest is visible). */
  mounted: boolean;
  mountSeq: number;
}

export class ZfsError extends Error {}

const NAME_CHAR = /^[A-Za-z0-9_.: -]$/;

export class ZfsModel {
  readonly datasets = new Map<string, Dataset>();
  private txg = 4000;
  private mountSeq = 0;
  /** Size of the pool's vdev (bytes). */
  readonly poolSize: number;

  constructor(
    readonly pool: string,
    poolSize: number,
    private readonly now: () => number,
    /** True when something holds the mountpoint open (a running VM). */
    private readonly isBusy: (mountpoint: string) => boolean = () => false,
  ) {
    this.poolSize = poolSize;
  }

  private guid(): string {
    this.txg += 7;
    return String((BigInt(this.txg) * 0x9e3779b97f4a7c15n) % 18446744073709551557n);
  }

  add(d: Partial<Dataset> & { name: string }): Dataset {
    const ds: Dataset = {
      type: d.name.includes('@') ? 'snapshot' : 'filesystem',
      creation: Math.floor(this.now() / 1000),
      createtxg: this.txg++,
      guid: this.guid(),
      referenced: 98304,
      unique: 0,
      written: 0,
      links: {},
      linkTimes: {},
      mounted: !d.name.includes('@'),
      mountSeq: ++this.mountSeq,
      ...d,
    };
    this.datasets.set(ds.name, ds);
    return ds;
  }

  get(name: string): Dataset | undefined {
    return this.datasets.get(name);
  }

  /** The dataset or a clear zfs-style error. */
  need(name: string): Dataset {
    checkName(name);
    const d = this.datasets.get(name);
    if (!d) throw new ZfsError(`cannot open '${name}': dataset does not exist`);
    return d;
  }

  snapshotsOf(fs: string): Dataset[] {
    return [...this.datasets.values()].filter((d) => d.type === 'snapshot' && d.name.startsWith(fs + '@')).sort((a, b) => a.createtxg - b.createtxg);
  }

  childrenOf(fs: string): Dataset[] {
    return [...this.datasets.values()].filter((d) => d.type === 'filesystem' && d.name.startsWith(fs + '/'));
  }

  /** Every dataset in zfs's iteration order: by dataset name, a filesystem before its snapshots (by txg). */
  sorted(): Dataset[] {
    const key = (d: Dataset) => d.name.split('@')[0]!;
    return [...this.datasets.values()].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka !== kb) return ka < kb ? -1 : 1;
      if (a.type !== b.type) return a.type === 'filesystem' ? -1 : 1;
      return a.createtxg - b.createtxg;
    });
  }

  used(d: Dataset): number {
    if (d.type === 'snapshot') return d.unique;
    return d.referenced + this.usedBySnapshots(d) + this.usedByChildren(d);
  }

  usedBySnapshots(d: Dataset): number {
    return d.type === 'snapshot' ? 0 : this.snapshotsOf(d.name).reduce((s, x) => s + x.unique, 0);
  }

  usedByChildren(d: Dataset): number {
    if (d.type === 'snapshot') return 0;
    return [...this.datasets.values()]
      .filter((c) => c.type === 'filesystem' && c.name.startsWith(d.name + '/') && !c.name.slice(d.name.length + 1).includes('/'))
      .reduce((s, c) => s + this.used(c), 0);
  }

  allocated(): number {
    const root = this.datasets.get(this.pool);
    return root ? Math.round(this.used(root) * 1.02) + 786432 : 0;
  }

  available(): number {
    // ZFS keeps a slop of 1/32 of the pool back from datasets.
    return Math.max(0, Math.floor(this.poolSize * (31 / 32)) - this.allocated());
  }

  mountpointOf(d: Dataset): string {
    if (d.type === 'snapshot') return '-';
    if (d.mountpoint) return d.mountpoint;
    const slash = d.name.lastIndexOf('/');
    if (slash < 0) return '/' + d.name;
    const parent = this.datasets.get(d.name.slice(0, slash));
    return (parent ? this.mountpointOf(parent) : '/' + d.name.slice(0, slash)) + d.name.slice(slash);
  }

  /** The filesystem mounted exactly at a path, if any (the newest mount wins, as with an overlay mount). */
  mountedAt(path: string): Dataset | undefined {
    return [...this.datasets.values()]
      .filter((d) => d.type === 'filesystem' && d.mounted && this.mountpointOf(d) === path)
      .sort((a, b) => b.mountSeq - a.mountSeq)[0];
  }

  private busy(d: Dataset): boolean {
    const mp = this.mountpointOf(d);
    return d.mounted && this.mountedAt(mp) === d && this.isBusy(mp);
  }

  mount(name: string): void {
    const d = this.need(name);
    if (d.type !== 'filesystem') throw new ZfsError(`cannot open '${name}': operation not applicable to datasets of this type`);
    if (d.mounted) throw new ZfsError(`cannot mount '${name}': filesystem already mounted`);
    d.mounted = true;
    d.mountSeq = ++this.mountSeq;
  }

  unmount(name: string): void {
    const d = this.need(name);
    if (d.type !== 'filesystem') throw new ZfsError(`cannot open '${name}': operation not applicable to datasets of this type`);
    if (!d.mounted) throw new ZfsError(`cannot unmount '${name}': not currently mounted`);
    if (this.busy(d)) throw new ZfsError(`cannot unmount '${this.mountpointOf(d)}': pool or dataset is busy`);
    d.mounted = false;
  }

  setMountpoint(name: string, mountpoint: string): void {
    const d = this.need(name);
    if (d.type !== 'filesystem') throw new ZfsError(`cannot set property for '${name}': 'mountpoint' does not apply to datasets of this type`);
    if (!mountpoint.startsWith('/') && mountpoint !== 'none' && mountpoint !== 'legacy') throw new ZfsError(`cannot set property for '${name}': 'mountpoint' must be an absolute path, 'none', or 'legacy'`);
    if (this.busy(d)) throw new ZfsError(`cannot unmount '${this.mountpointOf(d)}': pool or dataset is busy`);
    d.mountpoint = mountpoint;
    if (d.mounted) d.mountSeq = ++this.mountSeq;
  }

  /** New data written into a filesystem: its snapshots start to hold blocks of their own. */
  write(fs: string, bytes: number): void {
    const d = this.datasets.get(fs);
    if (!d || d.type !== 'filesystem') return;
    d.referenced += bytes;
    d.written += bytes;
    const newest = this.snapshotsOf(fs).at(-1);
    if (newest) newest.unique += Math.floor(bytes / 2);
  }

  snapshot(names: string[], recursive: boolean): void {
    const todo: string[] = [];
    for (const n of names) {
      checkName(n);
      const [fs, snap] = n.split('@') as [string, string | undefined];
      if (snap === undefined || snap === '') throw new ZfsError(`cannot create snapshot '${n}': invalid character '@' in name`);
      this.need(fs);
      const targets = recursive ? [fs, ...this.childrenOf(fs).map((c) => c.name)] : [fs];
      for (const t of targets) {
        if (this.datasets.has(`${t}@${snap}`)) throw new ZfsError(`cannot create snapshot '${t}@${snap}': dataset already exists`);
        todo.push(`${t}@${snap}`);
      }
    }
    // All names were checked before any is created: like zfs, all or nothing.
    for (const name of todo) {
      const fs = this.datasets.get(name.split('@')[0]!)!;
      this.add({ name, type: 'snapshot', referenced: fs.referenced, unique: 0, links: { ...fs.links }, linkTimes: { ...fs.linkTimes } });
      fs.written = 0;
    }
  }

  /** Destroys a snapshot (or a comma list `fs@a,b`) or a filesystem. Returns the names destroyed. */
  destroy(name: string, opts: { recursive?: boolean; recursiveClones?: boolean; dryRun?: boolean }): string[] {
    checkName(name);
    if (name.includes('@')) {
      const [fs, list] = name.split('@') as [string, string];
      this.need(fs);
      const names = list.split(',').map((s) => `${fs}@${s}`);
      const found = names.filter((n) => this.datasets.has(n));
      if (found.length === 0) throw new ZfsError(`could not find any snapshots to destroy; check snapshot names.`);
      for (const n of found) {
        const clones = this.clonesOf(n);
        if (clones.length && !opts.recursiveClones)
          throw new ZfsError(`cannot destroy '${n}': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\n${clones.join('\n')}`);
      }
      if (opts.dryRun) return found;
      for (const n of found) {
        for (const c of this.clonesOf(n)) this.destroy(c, { recursive: true, recursiveClones: true });
        this.removeSnapshot(n);
      }
      return found;
    }
    this.need(name);
    if (name === this.pool) throw new ZfsError(`cannot destroy '${name}': operation does not apply to pools\nuse 'zfs destroy -r ${name}' to destroy all datasets in the pool\nuse 'zpool destroy ${name}' to destroy the pool itself`);
    const dependents = [...this.childrenOf(name), ...this.snapshotsOf(name)].map((x) => x.name);
    if (dependents.length && !opts.recursive)
      throw new ZfsError(`cannot destroy '${name}': filesystem has children\nuse '-r' to destroy the following datasets:\n${dependents.join('\n')}`);
    const all = [name, ...dependents];
    for (const n of all) {
      const x = this.datasets.get(n);
      if (x?.type === 'filesystem' && this.busy(x)) throw new ZfsError(`cannot unmount '${this.mountpointOf(x)}': pool or dataset is busy`);
      const clones = x?.type === 'snapshot' ? this.clonesOf(n) : [];
      if (clones.length && !opts.recursiveClones)
        throw new ZfsError(`cannot destroy '${n}': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\n${clones.join('\n')}`);
    }
    if (opts.dryRun) return all;
    for (const n of all) this.datasets.delete(n);
    return all;
  }

  private removeSnapshot(n: string): void {
    const s = this.datasets.get(n)!;
    const fs = n.split('@')[0]!;
    const snaps = this.snapshotsOf(fs);
    const i = snaps.indexOf(s);
    // Blocks only this snapshot held are freed; the neighbour inherits a share of them.
    const prev = snaps[i - 1];
    if (prev) prev.unique += Math.floor(s.unique / 3);
    this.datasets.delete(n);
  }

  clonesOf(snap: string): string[] {
    return [...this.datasets.values()].filter((d) => d.origin === snap).map((d) => d.name);
  }

  rollback(snap: string, opts: { recursive?: boolean; recursiveClones?: boolean }): string[] {
    checkName(snap);
    if (!snap.includes('@')) throw new ZfsError(`'${snap}' is not a snapshot`);
    const s = this.need(snap);
    const fsName = snap.split('@')[0]!;
    const fs = this.need(fsName);
    const newer = this.snapshotsOf(fsName).filter((x) => x.createtxg > s.createtxg);
    if (newer.length && !opts.recursive && !opts.recursiveClones)
      throw new ZfsError(
        `cannot rollback to '${snap}': more recent snapshots or bookmarks exist\nuse '-r' to force deletion of the following snapshots and bookmarks:\n${newer.map((x) => x.name).join('\n')}`,
      );
    for (const n of newer) {
      const clones = this.clonesOf(n.name);
      if (clones.length && !opts.recursiveClones)
        throw new ZfsError(`cannot rollback to '${snap}': clones of previous snapshots exist\nuse '-R' to force deletion of the following clones and dependents:\n${clones.join('\n')}`);
    }
    for (const n of newer) {
      for (const c of this.clonesOf(n.name)) this.destroy(c, { recursive: true, recursiveClones: true });
      this.datasets.delete(n.name);
    }
    fs.referenced = s.referenced;
    fs.written = 0;
    fs.links = { ...s.links };
    fs.linkTimes = { ...s.linkTimes };
    return newer.map((x) => x.name);
  }

  rename(from: string, to: string): void {
    checkName(from);
    checkName(to);
    const d = this.need(from);
    if (this.datasets.has(to)) throw new ZfsError(`cannot rename to '${to}': dataset already exists`);
    if (d.type === 'snapshot') {
      if (!to.includes('@') || to.split('@')[0] !== from.split('@')[0]) throw new ZfsError(`cannot rename to '${to}': snapshots must be part of same dataset`);
      this.datasets.delete(from);
      d.name = to;
      this.datasets.set(to, d);
      for (const c of this.datasets.values()) if (c.origin === from) c.origin = to;
      return;
    }
    const parent = to.slice(0, Math.max(0, to.lastIndexOf('/')));
    if (!parent || !this.datasets.has(parent)) throw new ZfsError(`cannot rename to '${to}': parent does not exist`);
    if (this.busy(d)) throw new ZfsError(`cannot unmount '${this.mountpointOf(d)}': pool or dataset is busy`);
    const moved = [...this.datasets.values()].filter((x) => x.name === from || x.name.startsWith(from + '/') || x.name.startsWith(from + '@'));
    for (const x of moved) {
      this.datasets.delete(x.name);
      const old = x.name;
      x.name = to + x.name.slice(from.length);
      for (const c of this.datasets.values()) if (c.origin === old) c.origin = x.name;
      for (const m of moved) if (m.origin === old) m.origin = x.name;
    }
    for (const x of moved) this.datasets.set(x.name, x);
  }

  clone(snap: string, to: string, mountpoint?: string): void {
    checkName(snap);
    checkName(to);
    if (!snap.includes('@')) throw new ZfsError(`cannot open '${snap}': operation only applies to snapshots`);
    const s = this.need(snap);
    if (this.datasets.has(to)) throw new ZfsError(`cannot create '${to}': dataset already exists`);
    const parent = to.slice(0, Math.max(0, to.lastIndexOf('/')));
    if (!parent || !this.datasets.has(parent)) throw new ZfsError(`cannot create '${to}': parent does not exist`);
    this.add({ name: to, type: 'filesystem', referenced: s.referenced, origin: snap, links: { ...s.links }, linkTimes: { ...s.linkTimes }, ...(mountpoint ? { mountpoint } : {}) });
  }

  /** The clone takes over its origin's snapshots up to the origin snapshot; the old parent becomes its clone. */
  promote(name: string): void {
    const c = this.need(name);
    if (c.type !== 'filesystem' || !c.origin) throw new ZfsError(`cannot promote '${name}': not a cloned filesystem`);
    const originSnap = this.need(c.origin);
    const oldFs = c.origin.split('@')[0]!;
    const moving = this.snapshotsOf(oldFs).filter((s) => s.createtxg <= originSnap.createtxg);
    for (const s of moving) {
      const snapName = s.name.split('@')[1]!;
      if (this.datasets.has(`${name}@${snapName}`)) throw new ZfsError(`cannot promote '${name}': snapshot name conflict: '${snapName}'`);
    }
    const old = this.need(oldFs);
    for (const s of moving) {
      this.datasets.delete(s.name);
      const oldName = s.name;
      s.name = `${name}@${s.name.split('@')[1]}`;
      this.datasets.set(s.name, s);
      for (const d of this.datasets.values()) if (d.origin === oldName) d.origin = s.name;
    }
    old.origin = `${name}@${originSnap.name.split('@')[1]}`;
    delete c.origin;
  }
}

/** ZFS's name grammar: components of [A-Za-z0-9_.: -], one '@' at most, no empty components. */
export function checkName(name: string): void {
  if (name.length === 0 || name.length > 255) throw new ZfsError(`cannot open '${name}': name is too long`);
  for (const ch of name) {
    if (ch === '/' || ch === '@' || ch === '%' || ch === ',') continue;
    if (!NAME_CHAR.test(ch)) throw new ZfsError(`cannot open '${name}': invalid character '${ch}' in name`);
  }
  if ((name.match(/@/g) ?? []).length > 1) throw new ZfsError(`cannot open '${name}': multiple '@' delimiters in name`);
  if (/(^|\/)(\/|$)|\/\/|\/@|@$|^\//.test(name) && !name.endsWith('@')) throw new ZfsError(`cannot open '${name}': empty component or misplaced '@' or '#' delimiter in name`);
  if (name.startsWith('-')) throw new ZfsError(`cannot open '${name}': leading slash in name`);
}
