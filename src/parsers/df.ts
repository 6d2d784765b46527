import { note, type ParseIssues } from './issues.js';
import { splitLines } from './lines.js';

export interface DfRow {
  filesystem: string;
  /** Bytes (scaled by the block size the header names: 1-blocks, 1K-blocks, 512-blocks ...). */
  size: number;
  used: number;
  available: number;
  /** The rest of the line: a mountpoint may contain spaces. */
  mountpoint: string;
}

function blockSize(h: string): number | null {
  const m = /^(\d+)([KMG]?)B?-blocks$/i.exec(h);
  if (!m) return null;
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[(m[2] ?? '').toUpperCase()] ?? 1;
  return Number(m[1]) * mult;
}

/** `df -B1 -P [PATH...]` (also `df -PT`, `df`, `--output=source,fstype,size,used,avail,pcent,target`). */
export function parseDf(text: string, issues?: ParseIssues): DfRow[] {
  const rows: DfRow[] = [];
  if (typeof text !== 'string') return rows;
  const lines = splitLines(text);
  const hi = lines.findIndex((l) => /^Filesystem\s/.test(l));
  if (hi < 0) {
    if (text.trim()) note(issues, 'df: no header line');
    return rows;
  }
  const header = (lines[hi] ?? '').replace(/Mounted on\s*$/, 'Mounted').trim().split(/\s+/);
  const col = (re: RegExp) => header.findIndex((h) => re.test(h));
  const iSize = col(/-blocks$|^Size$/);
  const iUsed = col(/^Used$/);
  const iAvail = col(/^Avail(able)?$/);
  const iMount = col(/^Mounted$/);
  const scale = blockSize(header[iSize] ?? '') ?? 1024;
  if (iSize < 0 || iUsed < 0 || iAvail < 0 || iMount !== header.length - 1) {
    note(issues, 'df: unknown header');
    return rows;
  }
  for (const line of lines.slice(hi + 1)) {
    if (!line.trim()) continue;
    const words = line.trim().split(/\s+/);
    const nums = [words[iSize], words[iUsed], words[iAvail]];
    if (words.length < header.length || !nums.every((n) => n !== undefined && /^\d+$/.test(n))) {
      note(issues, `df: unread line "${line.trim()}"`);
      continue;
    }
    // The mountpoint is everything after the fixed columns (find where its word starts in the raw line).
    const before = words.slice(0, iMount);
    let pos = 0;
    const trimmed = line.replace(/^\s+/, '');
    for (const w of before) pos = trimmed.indexOf(w, pos) + w.length;
    rows.push({
      filesystem: words[0] ?? '',
      size: Number(nums[0]) * scale,
      used: Number(nums[1]) * scale,
      available: Number(nums[2]) * scale,
      mountpoint: trimmed.slice(pos).trim(),
    });
  }
  return rows;
}
