// How a journal entry reads as one line of text (the `logs` subcommand, save-to-file) or as a JSON line.
// Pure; the pane uses the same pieces.

/** One journal entry as `journalctl -o json` gives it (parsed in parsers/journal.ts). */
export interface JournalEntry {
  cursor: string;
  /** __REALTIME_TIMESTAMP: microseconds since the epoch (0n when absent). */
  realtimeUs: bigint;
  unit?: string;
  identifier?: string;
  priority?: number;
  message: string;
  /** Every other field, decoded to text (a repeated field becomes an array). */
  fields: Record<string, string | string[]>;
}

/** A journal entry as a pane holds it; `fields` keeps only UNIT (the unit a systemd (PID 1) message is about). */
export type LogEntry = Omit<JournalEntry, 'fields'> & { fields?: JournalEntry['fields'] };

const PRIO_NAMES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

export function priorityName(p: number | undefined): string {
  return p === undefined ? 'info' : (PRIO_NAMES[p] ?? String(p));
}

/** 'error' for err and worse, 'warning' for warning, else 'normal'. */
export function severity(p: number | undefined): 'error' | 'warning' | 'normal' {
  if (p === undefined) return 'normal';
  if (p <= 3) return 'error';
  if (p === 4) return 'warning';
  return 'normal';
}

/** A short marker so severity reads without colour. */
export function severityMarker(p: number | undefined): string {
  const s = severity(p);
  return s === 'error' ? '!!' : s === 'warning' ? '! ' : '  ';
}

export function isoTime(us: bigint): string {
  const ms = Number(us / 1000n);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

/** HH:MM:SS in UTC, for the pane's narrow timestamp column. */
export function shortTime(us: bigint): string {
  return isoTime(us).slice(11, 19);
}

/** The unit an entry is about: systemd's own messages ("Started ...") come from init.scope and name
 *  the unit in UNIT (journalctl -u matches both). */
export function entryUnit(e: LogEntry): string | undefined {
  const about = e.fields?.UNIT;
  return (typeof about === 'string' && about) || e.unit;
}

/** The unit without its `.service` suffix, falling back to the syslog identifier. */
export function entrySource(e: LogEntry): string {
  return (entryUnit(e) ?? e.identifier ?? '-').replace(/\.service$/, '');
}

/** `TIME UNIT[PRIO]: MESSAGE` */
export function formatPlain(e: LogEntry): string {
  return `${isoTime(e.realtimeUs)} ${entrySource(e)}[${priorityName(e.priority)}]: ${e.message}`;
}

export interface JsonLogLine {
  cursor: string;
  time: string;
  unit: string | null;
  priority: number | null;
  message: string;
}

export function toJsonLine(e: LogEntry): JsonLogLine {
  return { cursor: e.cursor, time: isoTime(e.realtimeUs), unit: entryUnit(e) ?? null, priority: e.priority ?? null, message: e.message };
}

export function formatJson(e: LogEntry): string {
  return JSON.stringify(toJsonLine(e));
}
