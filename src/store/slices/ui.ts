import type { Scope } from '../../keymap/types.js';
import type { PaneSplit } from '../layout.js';
import { editField, openField, type EditableText, type TextEdit } from '../text-edit.js';
import type { Action } from './index.js';

// Everything about the screen that is not fleet data: selection, overlays, marks, pending actions,
// the status line and the panes beside the grid.

export interface VmRef {
  host: string;
  vm: string;
}

export const vmKey = (r: VmRef): string => `${r.host}/${r.vm}`;

export interface DialogState {
  id: number;
  title: string;
  /** Lines of the body: what will happen, to what. */
  lines: string[];
  /** The exact command lines that will run, in order: shown in full (wrapped, never cut). */
  commands?: string[];
  danger: boolean;
  /** When set, the user must type exactly this before the confirmation counts. */
  typeToConfirm?: string;
  /** What y and n do, when they are not confirm and cancel (the footer says these instead). */
  answers?: { yes: string; no: string };
  /** A question answered by typing (a key's passphrase): enter hands back what was typed, which is never drawn. */
  secret?: boolean;
  input: string;
  error?: string;
}

export type StatusKind = 'info' | 'ok' | 'warn' | 'error';

export interface StatusMessage {
  text: string;
  kind: StatusKind;
  at: number;
}

/** A pane beside or below the grid (logs, snapshots, deploy output), rendered by kind from the pane registry. */
export interface PaneRef {
  id: string;
  kind: string;
  /** The focus scope of the pane's keys. */
  scope: Scope;
  title?: string;
  params?: Record<string, unknown>;
}

export interface Pending {
  command: string;
  since: number;
  /** The service call returned; the spinner stays until the unit settles (or a timeout). */
  done: boolean;
}

export interface UiState {
  selection: VmRef | null;
  dialog: DialogState | null;
  palette: { query: string; index: number } | null;
  /** The grid's filter and, while it is edited, its cursor and selection (`/` reopens it all selected). */
  filter: EditableText & { editing: boolean };
  help: { open: boolean; scroll: number };
  status: StatusMessage | null;
  /** vmKey()s of marked VMs. */
  marked: string[];
  /** vmKey() -> action in flight. */
  pending: Record<string, Pending>;
  panes: PaneRef[];
  /** id of the focused pane; null: the grid has the focus. */
  activePane: string | null;
  zoomed: boolean;
  /** Panes in columns (side by side) or rows (stacked); kept for the session, whichever panes come and go. */
  paneSplit: PaneSplit;
  /** Command ids with a registered handler (what help, hints and the palette may show). */
  available: Record<string, true>;
  readOnly: boolean;
  /** `s`/`H` stay available in read-only mode (inventory `shellsInReadOnly`). */
  shellsInReadOnly: boolean;
  size: { cols: number; rows: number };
  quitting: boolean;
}

export type UiAction =
  | { type: 'ui/select'; ref: VmRef | null }
  | { type: 'ui/toggleMark'; ref: VmRef }
  | { type: 'ui/clearMarks' }
  | { type: 'ui/pending'; refs: VmRef[]; command: string; at: number }
  | { type: 'ui/pendingDone'; refs: VmRef[] }
  | { type: 'ui/settled'; refs: VmRef[] }
  | { type: 'ui/status'; text: string; kind: StatusKind; at: number }
  | { type: 'ui/dialogOpen'; dialog: Omit<DialogState, 'input'> }
  | { type: 'ui/dialogInput'; input: string }
  | { type: 'ui/dialogError'; error: string }
  | { type: 'ui/dialogClose'; id?: number }
  | { type: 'ui/paletteOpen' }
  | { type: 'ui/paletteQuery'; query: string }
  | { type: 'ui/paletteIndex'; index: number }
  | { type: 'ui/paletteClose' }
  | { type: 'ui/filterOpen' }
  | { type: 'ui/filterText'; text: string }
  | { type: 'ui/filterEdit'; edit: TextEdit }
  | { type: 'ui/filterApply' }
  | { type: 'ui/filterCancel' }
  | { type: 'ui/helpOpen' }
  | { type: 'ui/helpScroll'; delta: number }
  | { type: 'ui/helpClose' }
  | { type: 'ui/paneOpen'; pane: PaneRef; focus?: boolean }
  | { type: 'ui/paneClose'; id: string }
  | { type: 'ui/paneFocus'; id: string | null }
  | { type: 'ui/zoom'; zoomed: boolean }
  /** Columns or rows; without `split`, the other one. */
  | { type: 'ui/paneSplit'; split?: PaneSplit }
  | { type: 'ui/available'; ids: string[] }
  | { type: 'ui/unavailable'; ids: string[] }
  | { type: 'ui/readOnly'; readOnly: boolean; shellsInReadOnly?: boolean }
  | { type: 'ui/resize'; cols: number; rows: number }
  | { type: 'ui/quit' };

export const initialUi: UiState = {
  selection: null,
  dialog: null,
  palette: null,
  filter: { text: '', editing: false, cursor: 0, selected: false },
  help: { open: false, scroll: 0 },
  status: null,
  marked: [],
  pending: {},
  panes: [],
  activePane: null,
  zoomed: false,
  paneSplit: 'columns',
  available: {},
  readOnly: false,
  shellsInReadOnly: false,
  size: { cols: 80, rows: 24 },
  quitting: false,
};

function without<T>(rec: Record<string, T>, keys: string[]): Record<string, T> {
  const out = { ...rec };
  for (const k of keys) delete out[k];
  return out;
}

export function uiReducer(state: UiState = initialUi, action: Action): UiState {
  switch (action.type) {
    case 'ui/select':
      return { ...state, selection: action.ref };
    case 'ui/toggleMark': {
      const k = vmKey(action.ref);
      return { ...state, marked: state.marked.includes(k) ? state.marked.filter((m) => m !== k) : [...state.marked, k] };
    }
    case 'ui/clearMarks':
      return state.marked.length ? { ...state, marked: [] } : state;
    case 'ui/pending': {
      const pending = { ...state.pending };
      for (const r of action.refs) pending[vmKey(r)] = { command: action.command, since: action.at, done: false };
      return { ...state, pending };
    }
    case 'ui/pendingDone': {
      const pending = { ...state.pending };
      for (const r of action.refs) {
        const p = pending[vmKey(r)];
        if (p) pending[vmKey(r)] = { ...p, done: true };
      }
      return { ...state, pending };
    }
    case 'ui/settled':
      return { ...state, pending: without(state.pending, action.refs.map(vmKey)) };
    case 'ui/status':
      return { ...state, status: { text: action.text, kind: action.kind, at: action.at } };
    case 'ui/dialogOpen':
      return { ...state, dialog: { ...action.dialog, input: '' }, palette: null, help: { ...state.help, open: false } };
    case 'ui/dialogInput':
      return state.dialog ? { ...state, dialog: { ...state.dialog, input: action.input, error: undefined } } : state;
    case 'ui/dialogError':
      return state.dialog ? { ...state, dialog: { ...state.dialog, error: action.error } } : state;
    case 'ui/dialogClose':
      if (!state.dialog || (action.id !== undefined && action.id !== state.dialog.id)) return state;
      return { ...state, dialog: null };
    case 'ui/paletteOpen':
      return { ...state, palette: { query: '', index: 0 }, help: { ...state.help, open: false } };
    case 'ui/paletteQuery':
      return state.palette ? { ...state, palette: { query: action.query, index: 0 } } : state;
    case 'ui/paletteIndex':
      return state.palette ? { ...state, palette: { ...state.palette, index: Math.max(0, action.index) } } : state;
    case 'ui/paletteClose':
      return { ...state, palette: null };
    case 'ui/filterOpen':
      return { ...state, filter: { ...openField(state.filter.text), editing: true } };
    case 'ui/filterText':
      return { ...state, filter: { ...state.filter, text: action.text, cursor: action.text.length, selected: false } };
    case 'ui/filterEdit':
      return { ...state, filter: { ...editField(state.filter, action.edit), editing: state.filter.editing } };
    case 'ui/filterApply':
      return { ...state, filter: { ...state.filter, editing: false, selected: false } };
    case 'ui/filterCancel':
      return { ...state, filter: { text: '', editing: false, cursor: 0, selected: false } };
    case 'ui/helpOpen':
      return { ...state, help: { open: true, scroll: 0 } };
    case 'ui/helpScroll':
      return { ...state, help: { ...state.help, scroll: Math.max(0, state.help.scroll + action.delta) } };
    case 'ui/helpClose':
      return { ...state, help: { open: false, scroll: 0 } };
    case 'ui/paneOpen': {
      const panes = state.panes.some((p) => p.id === action.pane.id)
        ? state.panes.map((p) => (p.id === action.pane.id ? action.pane : p))
        : [...state.panes, action.pane];
      return { ...state, panes, activePane: action.focus === false ? state.activePane : action.pane.id };
    }
    case 'ui/paneClose': {
      const idx = state.panes.findIndex((p) => p.id === action.id);
      if (idx < 0) return state;
      const panes = state.panes.filter((p) => p.id !== action.id);
      const activePane = state.activePane === action.id ? (panes[Math.min(idx, panes.length - 1)]?.id ?? null) : state.activePane;
      return { ...state, panes, activePane, zoomed: panes.length ? state.zoomed : false };
    }
    case 'ui/paneFocus':
      return { ...state, activePane: action.id === null || state.panes.some((p) => p.id === action.id) ? action.id : state.activePane };
    case 'ui/zoom':
      return { ...state, zoomed: action.zoomed };
    case 'ui/paneSplit':
      return { ...state, paneSplit: action.split ?? (state.paneSplit === 'columns' ? 'rows' : 'columns') };
    case 'ui/available': {
      const available = { ...state.available };
      for (const id of action.ids) available[id] = true;
      return { ...state, available };
    }
    case 'ui/unavailable':
      return { ...state, available: without(state.available, action.ids) };
    case 'ui/readOnly':
      return { ...state, readOnly: action.readOnly, shellsInReadOnly: action.shellsInReadOnly ?? state.shellsInReadOnly };
    case 'ui/resize':
      return state.size.cols === action.cols && state.size.rows === action.rows ? state : { ...state, size: { cols: action.cols, rows: action.rows } };
    case 'ui/quit':
      return { ...state, quitting: true };
    default:
      return state;
  }
}
