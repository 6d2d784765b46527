import { note, type ParseIssues } from './issues.js';

/** `/proc/loadavg` -> the 1, 5 and 15 minute load averages. */
export function parseLoadavg(text: string, issues?: ParseIssues): [number, number, number] | null {
  const m = typeof text === 'string' ? /^\s*(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)(?:\s|$)/.exec(text) : null;
  if (!m) {
    note(issues, 'loadavg: unreadable');
    return null;
  }
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** `/proc/meminfo` -> field -> bytes (`kB` values scaled; unit-less counts such as HugePages_Total as is). */
export function parseMeminfo(text: string, issues?: ParseIssues): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof text !== 'string') return out;
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+(kB))?\s*$/.exec(line);
    if (!m) {
      note(issues, `meminfo: unread line "${line.trim()}"`);
      continue;
    }
    out[m[1] ?? ''] = Number(m[2]) * (m[3] ? 1024 : 1);
  }
  return out;
}
