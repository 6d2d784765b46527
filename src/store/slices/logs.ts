import { compileFilter } from '../../model/logs/filter.js';
import type { LogEntry } from '../../model/logs/format.js';
import { PaneBuffer, DEFAULT_CAPACITY } from '../../model/logs/pane-buffer.js';
import { Still } from '../../model/logs/still.js';
import type { TailState } from '../../model/logs/tail-state.js';
import { editField, openField, type TextEdit } from '../text-edit.js';
import type { Action } from './index.js';

// Per log pane: what it follows, its view settings and what it holds. The pane list, focus and zoom
// live in the ui slice (PaneRef kind 'logs'); this slice is keyed by the same pane id.
//
// The held entries sit in a PaneBuffer that `logs/append` mutates in place (copying up to 10,000
// entries 20 times a second under a flood would be the cost of strict immutability); every append
// returns a new pane object with a higher `version`, so subscribers and memoised selectors see a change.

export type LogRange = { kind: 'lines'; n: number } | { kind: 'since'; span: '1m' | '15m' | '1h' };

export const RANGES: readonly LogRange[] = [
  { kind: 'lines', n: 100 },
  { kind: 'lines', n: 1000 },
  { kind: 'since', span: '1m' },
  { kind: 'since', span: '15m' },
  { kind: 'since', span: '1h' },
];

export function rangeLabel(r: LogRange): string {
  return r.kind === 'lines' ? `last ${r.n}` : `since ${r.span}`;
}

/** The tail options a range stands for. */
export function rangeQuery(r: LogRange): { lines?: number; since?: string } {
  return r.kind === 'lines' ? { lines: r.n } : { since: r.span };
}

export function nextRange(r: LogRange): LogRange {
  const i = RANGES.findIndex((x) => rangeLabel(x) === rangeLabel(r));
  return RANGES[(i + 1) % RANGES.length] as LogRange;
}

export interface LogPaneState {
  id: string;
  host: string;
  unit: string;
  /** The VM whose unit this is, when opened from the grid. */
  vm?: string;
  range: LogRange;
  follow: boolean;
  wrap: boolean;
  timestamps: boolean;
  /** The filter and, while it is edited, its cursor and whether all of it is selected (as `/` reopens it). */
  filter: { text: string; editing: boolean; error?: string; cursor: number; selected: boolean };
  /** Visible entries between the newest and the bottom of the view (0 while following); counted in `still` while paused. */
  scroll: number;
  /** While paused (follow off): the lines the pane showed when it was paused, which the view keeps showing. */
  still: Still | null;
  /** Lines that passed the filter since the pause (the live buffer has them; follow shows them). */
  arrivedSincePause: number;
  conn: TailState;
  buffer: PaneBuffer;
  version: number;
  /** A one-line note for the pane (saved to FILE, filter error). */
  notice?: string;
  /** The unit name being typed for a pane opened on "any unit" (J); null once it follows one. */
  prompt: string | null;
  /** The host's units the prompt completes (systemctl list-units); undefined while they are read. */
  units?: readonly string[];
  /** Why the host's units could not be read. */
  unitsError?: string;
}

/** The pane's text field has the keys (filter or unit name). */
export function logsTyping(p: LogPaneState | undefined): boolean {
  return Boolean(p && (p.filter.editing || p.prompt !== null));
}

export interface LogsState {
  byId: Record<string, LogPaneState>;
}

export type LogsAction =
  | { type: 'logs/open'; id: string; host: string; unit: string; vm?: string; range?: LogRange; capacity?: number; prompt?: boolean }
  | { type: 'logs/prompt'; id: string; text: string | null }
  | { type: 'logs/units'; id: string; units: readonly string[]; error?: string }
  /** The typed unit is accepted: the pane follows it from now on. */
  | { type: 'logs/setUnit'; id: string; unit: string }
  | { type: 'logs/close'; id: string }
  | { type: 'logs/append'; id: string; entries: readonly LogEntry[] }
  | { type: 'logs/conn'; id: string; state: TailState }
  | { type: 'logs/follow'; id: string; on?: boolean }
  | { type: 'logs/toggle'; id: string; what: 'wrap' | 'timestamps' }
  /** A new range empties the pane; the controller restarts its tail with the new query. */
  | { type: 'logs/range'; id: string; range: LogRange }
  /** delta > 0 scrolls back in time (and pauses follow), < 0 towards the newest. */
  /** `rows`: the pane's body rows, so a scroll up stops with the oldest line at the top of a full pane. */
  | { type: 'logs/scroll'; id: string; delta: number; rows?: number }
  | { type: 'logs/top'; id: string; rows?: number }
  | { type: 'logs/end'; id: string }
  | { type: 'logs/filterOpen'; id: string }
  | { type: 'logs/filterText'; id: string; text: string }
  /** A key in the filter being edited: typing, backspace, the cursor keys. */
  | { type: 'logs/filterEdit'; id: string; edit: TextEdit }
  | { type: 'logs/filterApply'; id: string }
  | { type: 'logs/filterCancel'; id: string }
  | { type: 'logs/notice'; id: string; text: string | undefined };

export const initialLogs: LogsState = { byId: {} };

function newPane(a: Extract<LogsAction, { type: 'logs/open' }>): LogPaneState {
  return {
    id: a.id,
    host: a.host,
    unit: a.unit,
    vm: a.vm,
    range: a.range ?? (RANGES[0] as LogRange),
    follow: true,
    wrap: false,
    timestamps: true,
    filter: { text: '', editing: false, cursor: 0, selected: false },
    scroll: 0,
    still: null,
    arrivedSincePause: 0,
    conn: { status: 'connecting', drops: 0 },
    buffer: new PaneBuffer(a.capacity ?? DEFAULT_CAPACITY),
    version: 0,
    prompt: a.prompt ? '' : null,
  };
}

/** What the view draws from: the still picture while paused, the live buffer while following. */
export const shownLines = (p: LogPaneState) => p.still ?? p.buffer;

const clampScroll = (p: LogPaneState, scroll: number, rows = 1) => Math.max(0, Math.min(scroll, shownLines(p).visibleCount - Math.max(1, rows)));

/** Follow on: back to the live buffer. */
const following = (p: LogPaneState): LogPaneState => ({ ...p, follow: true, scroll: 0, still: null, arrivedSincePause: 0 });

/** Follow off: the view keeps what it shows now, whatever arrives (or leaves the buffer) after. */
const paused = (p: LogPaneState): LogPaneState => (p.still ? { ...p, follow: false } : { ...p, follow: false, still: Still.of(p.buffer), arrivedSincePause: 0 });

function applyFilter(p: LogPaneState, text: string, cursor = text.length, selected = false): LogPaneState {
  const f = compileFilter(text);
  p.buffer.setFilter(f);
  return { ...following(p), filter: { text, editing: p.filter.editing, error: f.error, cursor, selected }, version: p.version + 1 };
}

function reducePane(p: LogPaneState, a: LogsAction): LogPaneState {
  switch (a.type) {
    case 'logs/append': {
      if (!a.entries.length) return p;
      const passed = p.buffer.append(a.entries);
      // A paused view stays on its still picture; the new lines are only counted.
      return { ...p, arrivedSincePause: p.still ? p.arrivedSincePause + passed : 0, version: p.version + 1 };
    }
    case 'logs/conn':
      return { ...p, conn: a.state };
    case 'logs/follow':
      return (a.on ?? !p.follow) ? following(p) : paused(p);
    case 'logs/toggle':
      return { ...p, [a.what]: !p[a.what] };
    case 'logs/range':
      p.buffer.clear();
      return { ...following(p), range: a.range, version: p.version + 1, notice: undefined };
    case 'logs/scroll': {
      if (a.delta <= 0 && !p.still) return p; // following: already at the newest
      const q = paused(p);
      return { ...q, scroll: clampScroll(q, p.scroll + a.delta, a.delta > 0 ? a.rows : undefined) };
    }
    case 'logs/top': {
      const q = paused(p);
      return { ...q, scroll: clampScroll(q, Number.MAX_SAFE_INTEGER, a.rows) };
    }
    case 'logs/end':
      return following(p);
    case 'logs/filterOpen':
      return { ...p, filter: { ...p.filter, ...openField(p.filter.text), editing: true } };
    case 'logs/filterText':
      return applyFilter(p, a.text);
    case 'logs/filterEdit': {
      const f = editField(p.filter, a.edit);
      if (f.text !== p.filter.text) return applyFilter(p, f.text, f.cursor, f.selected);
      return f.cursor === p.filter.cursor && f.selected === p.filter.selected ? p : { ...p, filter: { ...p.filter, cursor: f.cursor, selected: f.selected } };
    }
    case 'logs/filterApply':
      return { ...p, filter: { ...p.filter, editing: false, selected: false } };
    case 'logs/filterCancel':
      return { ...applyFilter(p, ''), filter: { text: '', editing: false, error: undefined, cursor: 0, selected: false } };
    case 'logs/notice':
      return { ...p, notice: a.text };
    case 'logs/prompt':
      return { ...p, prompt: a.text };
    case 'logs/units':
      return { ...p, units: a.units, unitsError: a.error };
    case 'logs/setUnit':
      p.buffer.clear();
      return { ...following(p), unit: a.unit, prompt: null, version: p.version + 1 };
    default:
      return p;
  }
}

export function logsReducer(state: LogsState = initialLogs, action: Action): LogsState {
  const a = action as unknown as LogsAction;
  if (typeof a.type !== 'string' || !a.type.startsWith('logs/')) return state;
  if (a.type === 'logs/open') {
    if (state.byId[a.id]) return state;
    return { byId: { ...state.byId, [a.id]: newPane(a) } };
  }
  const p = state.byId[a.id];
  if (!p) return state;
  if (a.type === 'logs/close') {
    const byId = { ...state.byId };
    delete byId[a.id];
    return { byId };
  }
  const next = reducePane(p, a);
  return next === p ? state : { byId: { ...state.byId, [a.id]: next } };
}
