import type { JournalEntry } from '../model/logs/format.js';

// `journalctl -o json`: one JSON object per line. Field values are strings, except that journald prints
// a byte array for a value that is not valid UTF-8 (or has control characters), an array for a field
// set several times, and null for a value of 4,096 bytes or more unless it runs with --all (every read here
// passes --all; a null MESSAGE from elsewhere is shown as a note, never as an empty line).

export type { JournalEntry };

/** What a pane shows for `"MESSAGE":null`. */
export const NULL_MESSAGE = '[journalctl printed no text for this message: 4,096 bytes or more, read without --all]';

function isBytes(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((b) => typeof b === 'number' && Number.isInteger(b) && b >= 0 && b <= 255);
}

function decodeOne(v: unknown): string {
  if (typeof v === 'string') return v;
  if (isBytes(v)) return Buffer.from(v).toString('utf8'); // invalid sequences become U+FFFD
  if (v === null || v === undefined) return '';
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

function decode(v: unknown): string | string[] {
  if (Array.isArray(v) && !isBytes(v)) return v.map(decodeOne);
  return decodeOne(v);
}

/** One line of `journalctl -o json` -> an entry, or null for a line that is not a JSON object. */
export function parseJournalJson(line: string): JournalEntry | null {
  if (typeof line !== 'string') return null;
  // Not an object: skip JSON.parse, whose thrown error costs ~30 us a line (a 4 MB burst of such lines took 3 s).
  if (line.trimStart()[0] !== '{') return null;
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return null;
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return null;
  const rec = obj as Record<string, unknown>;
  const fields: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(rec)) fields[k] = decode(v);
  const take = (k: string): string | undefined => {
    const v = fields[k];
    delete fields[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const msg = fields.MESSAGE;
  delete fields.MESSAGE;
  const cursor = take('__CURSOR') ?? '';
  const rt = take('__REALTIME_TIMESTAMP');
  const unit = take('_SYSTEMD_UNIT');
  const identifier = take('SYSLOG_IDENTIFIER');
  const prio = take('PRIORITY');
  const entry: JournalEntry = {
    cursor,
    realtimeUs: rt && /^\d{1,20}$/.test(rt) ? BigInt(rt) : 0n,
    message: rec.MESSAGE === null ? NULL_MESSAGE : Array.isArray(msg) ? msg.join('\n') : (msg ?? ''),
    fields,
  };
  if (unit) entry.unit = unit;
  if (identifier) entry.identifier = identifier;
  if (prio && /^[0-7]$/.test(prio)) entry.priority = Number(prio);
  return entry;
}

const CURSOR_KEY = '"__CURSOR":"';
const CURSOR_RE = /^[A-Za-z0-9=;_-]{1,512}$/;

/** The __CURSOR of a `journalctl -o json` line without parsing the line (a fraction of JSON.parse's cost).
 *  Inside a JSON string a quote is escaped, so `"__CURSOR":"` can only be the key itself. Undefined when
 *  absent or not a cursor's characters. */
export function journalCursor(line: string): string | undefined {
  if (typeof line !== 'string') return undefined;
  const at = line.indexOf(CURSOR_KEY);
  if (at < 0) return undefined;
  const start = at + CURSOR_KEY.length;
  const end = line.indexOf('"', start);
  if (end < 0) return undefined;
  const cursor = line.slice(start, end);
  return CURSOR_RE.test(cursor) ? cursor : undefined;
}
