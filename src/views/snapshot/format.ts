// Pure formatting shared by the snapshot browser and `mvm-tui snapshot list`.

const UNITS = ['B', 'K', 'M', 'G', 'T', 'P'];

/** Bytes as zfs prints them (1024-based, 3 significant digits): 123904 -> 121K. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '-';
  let i = 0;
  let v = n;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  const s = i === 0 ? String(v) : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  return `${s.replace(/\.0+$|(\.\d*?)0+$/, '$1')}${UNITS[i]}`;
}

/** 2026-11-26 12:00 (UTC, like the seed's names). */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '-';
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** Age to the coarsest sensible unit: 45s, 12m, 3h, 5d, 7w, 2y. */
export function formatAge(ms: number, now: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '-';
  const s = Math.max(0, Math.floor((now - ms) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  if (s < 86400 * 14) return `${Math.floor(s / 86400)}d`;
  if (s < 86400 * 365) return `${Math.floor(s / 86400 / 7)}w`;
  return `${Math.floor(s / 86400 / 365)}y`;
}
