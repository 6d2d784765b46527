import { note, type ParseIssues } from './issues.js';
import { splitLines } from './lines.js';

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
  // Cut at the colon and check the pieces, rather than one regex per line (~55 lines on every refresh).
  for (const line of splitLines(text)) {
    const colon = line.indexOf(':');
    const value = colon > 0 ? line.slice(colon + 1).trim() : '';
    const kB = value.endsWith('kB');
    const digits = kB ? value.slice(0, -2).trimEnd() : value;
    const key = line.slice(0, colon);
    if (colon <= 0 || !SPACE.test(line.charAt(colon + 1)) || !MEM_KEY.test(key) || !DIGITS.test(digits) || (kB && digits.length === value.length - 2)) {
      if (line.trim()) note(issues, `meminfo: unread line "${line.trim()}"`);
      continue;
    }
    out[key] = Number(digits) * (kB ? 1024 : 1);
  }
  return out;
}

const MEM_KEY = /^[A-Za-z0-9_()]+$/;
const DIGITS = /^\d+$/;
const SPACE = /^\s$/;
