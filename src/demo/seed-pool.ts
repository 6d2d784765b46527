// The pool as the demo starts: the seed's datasets (microvms/storage/vmX mounted under /var/lib/microvms),
// each holding its runner link, with a week of nightly snapshots named like the seed's and a manual one.

import type { ZfsModel } from './zfs-model.js';
import { storeHash } from './random.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const p2 = (n: number) => String(n).padStart(2, '0');

/** The seed's snapshot naming: YYYYMMDD-HHMM (UTC). */
export function stamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}-${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}`;
}

/** The runner generations of a VM in the store (two, so an update can flip between them). */
export function runnerGenerations(vm: string): string[] {
  return [0, 1].map((g) => `/nix/store/${storeHash(`${vm}-${g}`)}-microvm-cloud-hypervisor-${vm}`);
}

export function seedPool(z: ZfsModel, vms: ReadonlyArray<{ name: string }>, now: number): void {
  const sec = (ms: number) => Math.floor(ms / 1000);
  const pool = z.pool;
  z.add({ name: pool, creation: sec(now - 40 * 86400_000), referenced: 98304 });
  z.add({ name: `${pool}/storage`, creation: sec(now - 40 * 86400_000), referenced: 98304, mountpoint: '/var/lib/microvms' });
  vms.forEach((spec, i) => {
    const ds = `${pool}/storage/${spec.name}`;
    const current = runnerGenerations(spec.name)[0]!;
    const base = ([1.9, 2.3, 2.1, 6.4, 3.2][i] ?? 2) * GiB;
    z.add({ name: ds, creation: sec(now - 39 * 86400_000), referenced: base * 0.8, links: { current }, linkTimes: { current: now - 2 * 86400_000 } });
    for (let d = 7; d >= 1; d--) {
      const at = new Date(now - d * 86400_000);
      at.setUTCHours(2, 0, 0, 0);
      z.add({ name: `${ds}@${stamp(at.getTime())}`, type: 'snapshot', creation: sec(at.getTime()), referenced: base * (0.8 + d * 0.005), links: { current } });
      z.write(ds, Math.round((40 + 13 * i + d) * MiB));
    }
    if (spec.name === 'vm1' || spec.name === 'vm4') {
      z.add({ name: `${ds}@before-upgrade`, type: 'snapshot', creation: sec(now - 5 * 3600_000), referenced: base * 0.84, links: { current } });
      z.write(ds, Math.round(120 * MiB));
    }
  });
}
