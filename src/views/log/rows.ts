import { segments, type LogFilter, type Segment } from '../../model/logs/filter.js';
import { severity, shortTime, type LogEntry } from '../../model/logs/format.js';
import type { LineSource } from '../../model/logs/still.js';

// Which screen rows a log pane draws: only the visible slice of the buffer is read, never the whole.
// Pure, so the view stays render-only and this is tested without a terminal.

export interface LogRow {
  /** A stable React key. */
  key: string;
  severity: 'error' | 'warning' | 'normal';
  /** Marker column: '!!' err and worse, '! ' warning, blank otherwise; blank on continuation rows. */
  marker: string;
  /** 'HH:MM:SS ' or '' (timestamps off, or a continuation row of the same width in spaces). */
  time: string;
  parts: Segment[];
}

export interface RowQuery {
  /** The live buffer while following, the still picture while paused. */
  buffer: LineSource;
  filter: LogFilter;
  /** Visible entries below the view (0 = the newest is at the bottom). */
  scroll: number;
  rows: number;
  width: number;
  wrap: boolean;
  timestamps: boolean;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

/** Log text is untrusted: escape sequences would repaint the user's terminal. Tabs become spaces. */
export function sanitize(text: string): string {
  return text.replace(ANSI, '').replace(/\t/g, '    ').replace(CONTROL, '?');
}

function sliceSegments(parts: Segment[], start: number, end: number): Segment[] {
  const out: Segment[] = [];
  let pos = 0;
  for (const p of parts) {
    const s = Math.max(start, pos);
    const e = Math.min(end, pos + p.text.length);
    if (e > s) out.push({ text: p.text.slice(s - pos, e - pos), match: p.match });
    pos += p.text.length;
  }
  return out;
}

/** The rows of one entry: one (truncated by the renderer) or, wrapped, as many as the text needs. */
function entryRows(e: LogEntry, idx: number, q: RowQuery, textWidth: number): LogRow[] {
  const sev = severity(e.priority);
  const marker = sev === 'error' ? '!!' : sev === 'warning' ? '! ' : '  ';
  const time = q.timestamps ? shortTime(e.realtimeUs) + ' ' : '';
  const lines = sanitize(e.message).split('\n');
  const out: LogRow[] = [];
  if (!q.wrap) {
    const text = lines.join(' ⏎ ');
    // Cut to the width here: Ink's own truncation of a long styled line costs far more per frame.
    const cut = text.length > textWidth ? text.slice(0, textWidth - 1) + '…' : text;
    const parts = segments(text, q.filter.ranges(text));
    out.push({ key: `${e.cursor}`, severity: sev, marker, time, parts: cut === text ? parts : [...sliceSegments(parts, 0, textWidth - 1), { text: '…', match: false }] });
    return out;
  }
  lines.forEach((line, li) => {
    const parts = segments(line, q.filter.ranges(line));
    const n = Math.max(1, Math.ceil(line.length / textWidth));
    for (let k = 0; k < n; k++) {
      const first = li === 0 && k === 0;
      out.push({
        key: `${e.cursor}#${li}.${k}#${idx}`,
        severity: sev,
        marker: first ? marker : '  ',
        time: first ? time : ' '.repeat(time.length),
        parts: sliceSegments(parts, k * textWidth, (k + 1) * textWidth),
      });
    }
  });
  return out;
}

/** At most `rows` rows ending `scroll` visible entries before the newest. */
export function visibleRows(q: RowQuery): LogRow[] {
  if (q.rows <= 0) return [];
  const count = q.buffer.visibleCount;
  const end = Math.max(0, count - Math.max(0, Math.min(q.scroll, count - 1)));
  // Every entry takes at least one row: `rows` entries are always enough.
  const start = Math.max(0, end - q.rows);
  const entries = q.buffer.visibleSlice(start, end);
  const textWidth = Math.max(8, q.width - 3 - (q.timestamps ? 9 : 0));
  if (!q.wrap) return entries.map((e, i) => entryRows(e, start + i, q, textWidth)[0] as LogRow);
  const out: LogRow[] = [];
  for (let i = entries.length - 1; i >= 0 && out.length < q.rows; i--) {
    const rows = entryRows(entries[i] as LogEntry, start + i, q, textWidth);
    out.unshift(...rows.slice(Math.max(0, rows.length - (q.rows - out.length))));
  }
  return out;
}
