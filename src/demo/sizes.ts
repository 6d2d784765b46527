// Number formats of the real tools, reproduced so the app's parsers meet what a real host prints.

/** OpenZFS zfs_nicebytes: 1024-based, at most 5 characters, "0B", "468K", "1.95G", "120K". */
export function zfsNice(n: number): string {
  const units = ['B', 'K', 'M', 'G', 'T', 'P', 'E'];
  let index = 0;
  let v = n;
  while (v >= 1024 && index < units.length - 1) {
    v /= 1024;
    index++;
  }
  const u = units[index]!;
  if (index === 0) return `${n}${u}`;
  if (n % 2 ** (10 * index) === 0) return `${n / 2 ** (10 * index)}${u}`;
  for (let digits = 2; digits >= 0; digits--) {
    const s = `${v.toFixed(digits)}${u}`;
    if (s.length <= 5) return s;
  }
  return `${Math.round(v)}${u}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** `zfs list -o creation` without -p: "Thu Nov 26 12:00 2026" (strftime "%a %b %e %H:%M %Y", UTC host). */
export function zfsDate(epochSec: number): string {
  const d = new Date(epochSec * 1000);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())} ${d.getUTCFullYear()}`;
}

/** `ls -l` time column for a recent file: "Nov 26 12:20". */
export function lsDate(epochMs: number): string {
  const d = new Date(epochMs);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`;
}

/** "%a %b %e %H:%M:%S %Y" as zpool status prints scrub times. */
export function ctimeDate(epochMs: number): string {
  const d = new Date(epochMs);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** Columns padded like coreutils/zfs tables: left-aligned columns get trailing pad except the last. */
export function table(rows: string[][], align: Array<'l' | 'r'>, minWidths: number[] = [], sep = ' '): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? minWidths[i] ?? 0, c.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => {
          const last = i === r.length - 1;
          if (align[i] === 'r') return c.padStart(widths[i]!);
          return last ? c : c.padEnd(widths[i]!);
        })
        .join(sep),
    )
    .join('\n');
}
