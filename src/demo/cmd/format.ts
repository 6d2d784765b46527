// Small formatters shared by the demo's commands.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** systemd's timestamp styles: pretty "Thu 2026-11-26 12:20:07 UTC", unix "@1795695607", us, utc; 0 -> "". */
export function systemdTime(ms: number, style: string): string {
  if (!ms) return '';
  const d = new Date(ms);
  if (style === 'unix') return `@${Math.floor(ms / 1000)}`;
  const base = `${DAYS[d.getUTCDay()]} ${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  if (style === 'us' || style === 'us+utc') return `${base}.${String((ms % 1000) * 1000).padStart(6, '0')} UTC`;
  return `${base} UTC`;
}

/** "37min ago" style durations as systemctl status prints them. */
export function relTime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}min ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}min`;
  return `${Math.floor(h / 24)} day${h >= 48 ? 's' : ''} ${h % 24}h`;
}

export function humanBytes(n: number): string {
  const u = ['B', 'K', 'M', 'G', 'T'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i ? v.toFixed(1) : v}${u[i]}`;
}

/** Shell-style glob match (*, ?, [...]), as systemctl matches unit patterns. */
export function fnmatch(pattern: string, s: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += '[' + pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  // A pattern without a unit type matches NAME.service too (systemctl appends the suffix).
  return new RegExp(re + '$').test(s) || (!/\.[a-z]+$/.test(pattern) && new RegExp(re + '\\.service$').test(s));
}
