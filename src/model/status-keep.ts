import type { HostStatus, PoolStatus, VmStatus } from './status.js';

// A host's new status with every part that reads the same as in its previous one replaced by that one's object,
// so what did not change keeps its identity from report to report (views compare by identity before anything
// else). Its updatedAt is new on every report, so the HostStatus itself always is.

type Flat = Record<string, unknown>;

/** Same keys, each value the same primitive (or the same object). */
function sameFlat(a: Flat, b: Flat): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.is(a[k], b[k])) return false;
  return true;
}

const sameList = <T>(a: readonly T[] | null, b: readonly T[] | null, same: (x: T, y: T) => boolean = Object.is) =>
  a === b || (!!a && !!b && a.length === b.length && a.every((x, i) => same(x, b[i]!)));

function keepSystem(prev: HostStatus['system'], next: HostStatus['system']): HostStatus['system'] {
  const same =
    prev.state === next.state &&
    prev.memTotal === next.memTotal &&
    prev.memAvailable === next.memAvailable &&
    sameList(prev.load, next.load) &&
    sameList(prev.failedUnits, next.failedUnits);
  return same ? prev : next;
}

/** Each element of `next` replaced by the one of `prev` at the same place when it reads the same; the list
 *  itself is `prev` when every element is. */
function keepList<T extends object>(prev: readonly T[], next: T[]): T[] {
  let all = prev.length === next.length;
  const out = next.map((x, i) => {
    const p = prev[i];
    if (p && (p === x || sameFlat(p as Flat, x as Flat))) return p;
    all = false;
    return x;
  });
  return all ? (prev as T[]) : out;
}

const keepFlat = <T extends object>(prev: T | null, next: T | null): T | null => (prev && next && sameFlat(prev as Flat, next as Flat) ? prev : next);

export function keepUnchanged(prev: HostStatus | null, next: HostStatus): HostStatus {
  if (!prev || prev === next || prev.name !== next.name) return next;
  return {
    ...next,
    system: keepSystem(prev.system, next.system),
    pools: keepList<PoolStatus>(prev.pools, next.pools),
    storage: keepFlat(prev.storage, next.storage),
    storageUnit: keepFlat(prev.storageUnit, next.storageUnit),
    vms: keepList<VmStatus>(prev.vms, next.vms),
  };
}
