import { note, type ParseIssues } from './issues.js';
import { splitLines } from './lines.js';
import { parseCount } from './size.js';

// `zpool status` as printed by Solaris-era ZFS, ZoL 0.7, zfs-fuse and OpenZFS 2.x: key lines right-aligned
// on a colon (` state:`, `  scan:` or the old ` scrub:`), continuation lines indented (spaces or a tab),
// a config tree whose depth is its indentation, several pools separated by blank lines.

export interface ZpoolVdev {
  name: string;
  /** ONLINE, DEGRADED, ...; '' for a class heading such as `spares` or `logs`. */
  state: string;
  read: number | null;
  write: number | null;
  cksum: number | null;
  /** Free text after the counters: `cannot open`, `(resilvering)`, `was /dev/...`. */
  note?: string;
  children: ZpoolVdev[];
}

export interface ZpoolScan {
  kind: 'scrub' | 'resilver' | 'none' | 'unknown';
  inProgress: boolean;
  text: string;
}

export interface ZpoolStatus {
  name: string;
  state: string;
  status?: string;
  action?: string;
  see?: string;
  scan: ZpoolScan;
  vdevs: ZpoolVdev[];
  /** `count`: data errors (files listed under permanent errors); null when the output gives no number.
   *  `found`: errors were reported (true even when the list is missing); null when the line was not understood. */
  errors: { count: number | null; found: boolean | null; text: string };
  /** Any other `key:` section (remove, checkpoint, expand, ...), continuation lines joined. */
  other: Record<string, string>;
}

const KEY_RE = /^ {0,8}([a-z]{2,12}):(?:[ \t]+(.*)|[ \t]*)$/;

function indentOf(line: string): number {
  let col = 0;
  for (const ch of line) {
    if (ch === ' ') col += 1;
    else if (ch === '\t') col = col - (col % 8) + 8;
    else break;
  }
  return col;
}

function newPool(name: string): ZpoolStatus {
  return { name, state: '', scan: { kind: 'unknown', inProgress: false, text: '' }, vdevs: [], errors: { count: null, found: null, text: '' }, other: {} };
}

function scanOf(text: string): ZpoolScan {
  const t = text.trim();
  const inProgress = /in progress/i.test(t);
  if (/^none requested/i.test(t)) return { kind: 'none', inProgress: false, text: t };
  if (/^(scrub|resilver)/i.test(t)) return { kind: t.toLowerCase().startsWith('scrub') ? 'scrub' : 'resilver', inProgress, text: t };
  return { kind: 'unknown', inProgress, text: t };
}

function errorsOf(text: string, files: string[]): ZpoolStatus['errors'] {
  const t = text.trim();
  if (/^No known data errors/i.test(t)) return { count: 0, found: false, text: t };
  const n = /^(\d+) data errors?/i.exec(t);
  if (n) return { count: Number(n[1]), found: Number(n[1]) > 0, text: t };
  // `-v`: "Permanent errors have been detected in the following files:" then one path per line, indented by
  // 8 spaces (OpenZFS, zfs-fuse) or not (Solaris). OpenZFS 2.3 can print the heading with no list under it.
  if (/following files/i.test(t)) return { count: files.length || null, found: true, text: [t, ...files].join('\n') };
  return { count: null, found: null, text: [t, ...files].join('\n') };
}

/** Several `errors:` lines in one pool: every text kept; the larger count (one error can be reported twice). */
function mergeErrors(a: ZpoolStatus['errors'], b: ZpoolStatus['errors']): ZpoolStatus['errors'] {
  if (!a.text) return b;
  const found = a.found === true || b.found === true ? true : a.found === false && b.found === false ? false : null;
  const count = a.count !== null && b.count !== null ? Math.max(a.count, b.count) : found === true ? (a.count ?? b.count) : null;
  return { count, found, text: `${a.text}\n${b.text}` };
}

/** One `config:` tree line: NAME STATE [READ WRITE CKSUM] [note]; or a bare class heading (`spares`, `logs`). */
function vdevOf(body: string): ZpoolVdev | null {
  const words = body.trim().split(/\s+/);
  const name = words[0];
  if (!name) return null;
  if (words.length === 1) return { name, state: '', read: null, write: null, cksum: null, children: [] };
  const state = words[1] ?? '';
  const [r, w, c] = [words[2], words[3], words[4]].map((x) => (x === undefined ? null : parseCount(x)));
  if (r !== null && r !== undefined && w !== null && w !== undefined && c !== null && c !== undefined) {
    const rest = words.slice(5).join(' ');
    return { name, state, read: r, write: w, cksum: c, ...(rest ? { note: rest } : {}), children: [] };
  }
  const rest = words.slice(2).join(' ');
  return { name, state, read: null, write: null, cksum: null, ...(rest ? { note: rest } : {}), children: [] };
}

/** `zpool status [-v]` -> one record per pool. `all pools are healthy` / `no pools available` -> []. */
export function parseZpoolStatus(text: string, issues?: ParseIssues): ZpoolStatus[] {
  const pools: ZpoolStatus[] = [];
  if (typeof text !== 'string') return pools;
  let pool: ZpoolStatus | null = null;
  let key = '';
  let value: string[] = [];
  let errorFiles: string[] = [];
  // config tree: a stack of (indent, vdev)
  let headerIndent = -1;
  let stack: Array<{ indent: number; vdev: ZpoolVdev }> = [];

  const flush = () => {
    if (!pool || !key) return;
    const joined = value.map((v) => v.trim()).filter(Boolean).join(' ');
    switch (key) {
      case 'pool':
        break;
      case 'state':
        pool.state = joined;
        break;
      case 'status':
      case 'action':
      case 'see':
        pool[key] = joined;
        break;
      case 'scan':
      case 'scrub':
        pool.scan = scanOf(joined);
        break;
      case 'errors':
        pool.errors = mergeErrors(pool.errors, errorsOf(joined, errorFiles));
        break;
      case 'config':
        break;
      default:
        pool.other[key] = joined;
    }
    key = '';
    value = [];
    errorFiles = [];
  };

  for (const raw of splitLines(text)) {
    // trimEnd, not replace(/\s+$/): that regex is quadratic on a long run of blanks (200 KB took 130 s).
    const line = raw.trimEnd();
    const km = KEY_RE.exec(line);
    if (km) {
      const k = km[1] ?? '';
      const v = km[2] ?? '';
      flush();
      if (k === 'pool') {
        pool = newPool(v.trim());
        pools.push(pool);
      } else if (!pool) {
        note(issues, `zpool status: "${k}:" before any pool`);
        continue;
      }
      key = k;
      value = [v];
      headerIndent = -1;
      stack = [];
      continue;
    }
    if (!pool) {
      if (line.trim() && !/pools are healthy|no pools available|is healthy/i.test(line)) note(issues, `zpool status: unread line "${line.trim()}"`);
      continue;
    }
    if (!line.trim()) continue;
    if (key === 'config') {
      const indent = indentOf(line);
      const body = line.trim();
      if (headerIndent < 0) {
        if (/^NAME\s+STATE/.test(body)) headerIndent = indent;
        else note(issues, `zpool status ${pool.name}: config line before the NAME header "${body}"`);
        continue;
      }
      const vdev = vdevOf(body);
      if (!vdev) continue;
      while (stack.length && (stack[stack.length - 1]?.indent ?? 0) >= indent) stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) parent.vdev.children.push(vdev);
      else pool.vdevs.push(vdev);
      stack.push({ indent, vdev });
      continue;
    }
    if (key === 'errors' && (!/^\s/.test(raw) || /following files/i.test(value[0] ?? ''))) {
      errorFiles.push(line.trim());
      continue;
    }
    if (key) value.push(line);
    else note(issues, `zpool status ${pool.name}: unread line "${line.trim()}"`);
  }
  flush();
  for (const p of pools) {
    // OpenZFS 2.x prints no `scan:` line for a pool never scrubbed nor resilvered (older ones said "none requested")
    if (!p.scan.text && p.vdevs.length) p.scan = { kind: 'none', inProgress: false, text: '' };
    if (!p.state) note(issues, `zpool status ${p.name}: no state line`);
    if (!p.vdevs.length) note(issues, `zpool status ${p.name}: no config tree`);
  }
  return pools;
}
