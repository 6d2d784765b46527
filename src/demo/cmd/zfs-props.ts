// ZFS properties as `zfs get` / `zfs list` print them: exact with -p, human (zfs_nicebytes) without,
// with the source column zfs reports (local, inherited from X, default, -).

import type { Dataset, ZfsModel } from '../zfs-model.js';
import { zfsDate, zfsNice } from '../sizes.js';

export const ALIASES: Record<string, string> = { avail: 'available', refer: 'referenced', usedsnap: 'usedbysnapshots', usedds: 'usedbydataset', usedchild: 'usedbychildren', compress: 'compression', lrefer: 'logicalreferenced', lused: 'logicalused', ratio: 'compressratio' };
export const PROPS = ['name', 'type', 'creation', 'used', 'available', 'referenced', 'compressratio', 'mounted', 'origin', 'quota', 'reservation', 'recordsize', 'mountpoint', 'compression', 'atime', 'canmount', 'written', 'usedbysnapshots', 'usedbydataset', 'usedbychildren', 'logicalused', 'logicalreferenced', 'guid', 'createtxg', 'clones'];
export const NUMERIC = new Set(['used', 'available', 'referenced', 'written', 'usedbysnapshots', 'usedbydataset', 'usedbychildren', 'logicalused', 'logicalreferenced', 'quota', 'reservation', 'recordsize']);

export function value(z: ZfsModel, d: Dataset, prop: string, parsable: boolean): { value: string; source: string } {
  const snap = d.type === 'snapshot';
  const num = (n: number | null) => ({ value: n === null ? '-' : parsable ? String(Math.round(n)) : n === 0 && (prop === 'quota' || prop === 'reservation') ? 'none' : zfsNice(Math.round(n)), source: '-' });
  switch (prop) {
    case 'name':
      return { value: d.name, source: '-' };
    case 'type':
      return { value: d.type, source: '-' };
    case 'creation':
      return { value: parsable ? String(d.creation) : zfsDate(d.creation), source: '-' };
    case 'used':
      return num(z.used(d));
    case 'available':
      return num(snap ? null : z.available());
    case 'referenced':
      return num(d.referenced);
    case 'logicalreferenced':
      return num(Math.round(d.referenced * 1.27));
    case 'logicalused':
      return num(Math.round(z.used(d) * 1.27));
    case 'written':
      return num(snap ? 0 : d.written);
    case 'usedbysnapshots':
      return num(snap ? null : z.usedBySnapshots(d));
    case 'usedbydataset':
      return num(snap ? null : d.referenced);
    case 'usedbychildren':
      return num(snap ? null : z.usedByChildren(d));
    case 'quota':
    case 'reservation':
      return { ...num(snap ? null : 0), source: snap ? '-' : 'default' };
    case 'recordsize':
      return { ...num(snap ? null : 131072), source: snap ? '-' : 'default' };
    case 'compressratio':
      return { value: parsable ? '1.27' : '1.27x', source: '-' };
    case 'mounted':
      return { value: snap ? '-' : d.mounted ? 'yes' : 'no', source: '-' };
    case 'origin':
      return { value: d.origin ?? '-', source: '-' };
    case 'clones':
      return { value: snap ? z.clonesOf(d.name).join(',') : '-', source: '-' };
    case 'mountpoint': {
      if (snap) return { value: '-', source: '-' };
      const src = d.mountpoint ? 'local' : inheritedFrom(z, d);
      return { value: z.mountpointOf(d), source: src };
    }
    case 'compression':
      return { value: snap ? '-' : 'lz4', source: snap ? '-' : d.name === z.pool ? 'local' : `inherited from ${z.pool}` };
    case 'atime':
      return { value: snap ? '-' : 'off', source: snap ? '-' : d.name === z.pool ? 'local' : `inherited from ${z.pool}` };
    case 'canmount':
      return { value: snap ? '-' : 'on', source: snap ? '-' : 'default' };
    case 'guid':
      return { value: d.guid, source: '-' };
    case 'createtxg':
      return { value: String(d.createtxg), source: '-' };
    default:
      return { value: '-', source: '-' };
  }
}

function inheritedFrom(z: ZfsModel, d: Dataset): string {
  let name = d.name;
  while (name.includes('/')) {
    name = name.slice(0, name.lastIndexOf('/'));
    if (z.get(name)?.mountpoint) return `inherited from ${name}`;
  }
  return 'default';
}

export function normProps(list: string): string[] | string {
  const out: string[] = [];
  for (const raw of list.split(',')) {
    const p = ALIASES[raw] ?? raw;
    if (p === 'all') out.push(...PROPS.filter((x) => x !== 'name'));
    else if (PROPS.includes(p)) out.push(p);
    else return raw;
  }
  return out;
}

export function types(arg: string | undefined, dflt: string[]): string[] | string {
  if (!arg) return dflt;
  const out: string[] = [];
  for (const t of arg.split(',')) {
    if (t === 'all') out.push('filesystem', 'snapshot', 'volume', 'bookmark');
    else if (t === 'filesystem' || t === 'fs') out.push('filesystem');
    else if (t === 'snapshot' || t === 'snap') out.push('snapshot');
    else if (t === 'volume' || t === 'vol' || t === 'bookmark') out.push(t === 'vol' ? 'volume' : t);
    else return t;
  }
  return out;
}

