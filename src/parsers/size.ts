// Numbers as ZFS and friends print them.

const POW: Record<string, number> = { '': 0, B: 0, K: 1, M: 2, G: 3, T: 4, P: 5, E: 6, Z: 7 };

/** Human sizes from tools without `-p` (zfs-fuse, old zpool list): `1.98G` -> bytes (1024-based). `-` -> null. */
export function parseHumanSize(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([BKMGTPEZ]?)(?:i?B)?$/i.exec(s.trim());
  if (!m) return null;
  const exp = POW[(m[2] ?? '').toUpperCase()] ?? 0;
  return Math.round(Number(m[1]) * 1024 ** exp);
}

/** Error counters in `zpool status`, which ZFS shortens 1024-based (zfs_nicenum): `2.04K` -> 2089. */
export function parseCount(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([KMGTPE]?)$/.exec(s);
  if (!m) return null;
  const exp = POW[m[2] ?? ''] ?? 0;
  return Math.round(Number(m[1]) * 1024 ** exp);
}

/** A decimal integer (systemd, /proc, zfs -p); null for anything else, including `[not set]` and u64 max. */
export function parseUint(s: string | undefined): number | null {
  if (s === undefined || !/^\d{1,20}$/.test(s)) return null;
  if (s === '18446744073709551615') return null; // systemd's "unset" u64
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}
