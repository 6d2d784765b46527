import { parseUint } from './size.js';

// The `counters` section of the event-mode gather (src/host/gather.ts): every line is `PATH TEXT`, one per line of
// each file read (/proc/loadavg, /proc/meminfo, each VM unit's cgroup memory.current and cpu.stat); a file that
// could not be read has no lines, or one with no text.

/** File path -> its text (lines joined, each ending in a newline). Never throws. */
export function parseCounterFiles(text: string): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof text !== 'string') return out;
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp <= 0 || sp === line.length - 1 || line.charCodeAt(0) !== 47 /* / */) continue;
    const path = line.slice(0, sp);
    out.set(path, `${out.get(path) ?? ''}${line.slice(sp + 1)}\n`);
  }
  return out;
}

/** A cgroup v2 `cpu.stat` text -> its CPU time in ns (usage_usec), or null. */
export function cpuStatNs(text: string | undefined): number | null {
  const m = text ? /^usage_usec (\d+)$/m.exec(text) : null;
  const us = m ? parseUint(m[1]) : null;
  return us === null ? null : us * 1000;
}
