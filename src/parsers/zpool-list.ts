import { note, type ParseIssues } from './issues.js';
import { splitLines } from './lines.js';
import { parseHumanSize } from './size.js';

export interface ZpoolListRow {
  name: string;
  /** Bytes; human sizes (`1.98G`, zfs-fuse has no `-p`) are read 1024-based, so they are approximate. */
  size: number | null;
  allocated: number | null;
  free: number | null;
  health: string;
}

/** `zpool list -H -o name,size,allocated,free,health` (tab-separated, with or without `-p`). */
export function parseZpoolList(text: string, issues?: ParseIssues): ZpoolListRow[] {
  const rows: ZpoolListRow[] = [];
  if (typeof text !== 'string') return rows;
  for (const line of splitLines(text)) {
    if (!line.trim()) continue;
    const f = line.includes('\t') ? line.split('\t') : line.trim().split(/\s+/);
    const [name, size, alloc, free, health] = f.map((x) => x.trim());
    if (!name || health === undefined || f.length !== 5 || /\s/.test(name)) {
      note(issues, `zpool list: unread line "${line.trim()}"`);
      continue;
    }
    rows.push({ name, size: parseHumanSize(size ?? ''), allocated: parseHumanSize(alloc ?? ''), free: parseHumanSize(free ?? ''), health });
  }
  return rows;
}
