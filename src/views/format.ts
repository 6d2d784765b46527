// Short, fixed-width-friendly renderings of sizes and times for cards and headers.

const UNITS = ['B', 'K', 'M', 'G', 'T', 'P'];

/** 1536 -> "1.5K", 5_000_000_000 -> "4.7G" (powers of 1024, like zfs and df -h). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n) || n < 0) return '–';
  let v = n;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v}B` : `${v < 10 ? v.toFixed(1) : Math.round(v)}${UNITS[i]}`;
}

/** 42_000 -> "42s", 4_000_000 -> "1h6m", 3 days -> "3d2h". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  const d = Math.floor(h / 24);
  return `${d}d${h % 24 ? `${h % 24}h` : ''}`;
}

/**
 * An age as kubectl and k9s print one: seconds only in its first 10 minutes ("4m7s", then "12m", "1h6m"). A grid
 * of uptimes then changes once a minute instead of every second (each change is a frame: measured ~1% of a core
 * with 20 hosts). Elapsed times someone watches (a deploy) keep their seconds: formatDuration.
 */
export function formatAge(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  return formatDuration(ms >= 600_000 ? ms - (ms % 60_000) : ms);
}

/** Time since an ISO timestamp or ms epoch (an age: formatAge), or '–'. */
export function since(at: string | number | null | undefined, now: number): string {
  if (at === null || at === undefined) return '–';
  const t = typeof at === 'number' ? at : Date.parse(at);
  return Number.isFinite(t) ? formatAge(Math.max(0, now - t)) : '–';
}

export function percent(part: number | null | undefined, whole: number | null | undefined): string {
  if (part === null || part === undefined || !whole) return '–';
  return `${Math.round((part / whole) * 100)}%`;
}
