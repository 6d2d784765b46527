import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { formatJson, formatPlain, type LogEntry } from '../../model/logs/format.js';

// Save-to-file of what a pane holds: the controller calls this; the view never writes files.

export interface SaveRequest {
  entries: readonly LogEntry[];
  host: string;
  unit: string;
  format?: 'plain' | 'json';
  /** Directory for the file (default: the current directory). */
  dir?: string;
  now?: Date;
}

export interface SaveResult {
  path: string;
  lines: number;
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** `HOST-UNIT-YYYYMMDD-HHMMSS.log` with anything odd in the names replaced, so it is always one plain file name. */
export function logFileName(host: string, unit: string, now: Date, format: 'plain' | 'json' = 'plain'): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.@-]/g, '_').replace(/^\.+/, '_');
  return `${safe(host)}-${safe(unit)}-${stamp(now)}.${format === 'json' ? 'jsonl' : 'log'}`;
}

/** Writes the entries (mode 0600: logs can hold secrets) and says where. */
export async function saveLogFile(req: SaveRequest): Promise<SaveResult> {
  const format = req.format ?? 'plain';
  const path = join(req.dir ?? process.cwd(), logFileName(req.host, req.unit, req.now ?? new Date(), format));
  const fmt = format === 'json' ? formatJson : formatPlain;
  const text = req.entries.map((e) => fmt(e) + '\n').join('');
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, { mode: 0o600, flag: 'wx' });
  return { path, lines: req.entries.length };
}
