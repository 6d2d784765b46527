import type { Keymap } from '../keymap/build.js';
import { keyLabel } from '../keymap/keys.js';
import { hintsFor } from '../keymap/visible.js';
import { selectReadOnly, selectTopScope } from '../store/selectors.js';
import type { AppState } from '../store/slices/index.js';
import type { StatusMessage } from '../store/slices/ui.js';
import { textWidth, wrapText } from './wrap.js';

// How the screen's rows are shared, as pure functions of the state, so the views and the scroll handlers of
// the overlays (help, message history) agree on what one page is.

/** A message wraps onto at most this many rows of the status line; the history holds the rest. */
export const STATUS_MESSAGE_ROWS = 3;

export interface StatusLayout {
  /** 'READ-ONLY ' or ''. */
  ro: string;
  /** The message's rows (empty without a message). */
  message: string[];
  hints: string;
  /** The hints share the last message row (or stand alone when there is no message). */
  hintsOnLast: boolean;
  /** Rows the status line takes. */
  rows: number;
}

/** Hints that stay at every width: help and quit are always one key away. */
const KEPT = /\s(help|quit)$/;

/** The hints that fit, in order: `help` and `quit` first kept, then the others up to the first that does not fit
 *  (hints are separated by two spaces). */
export function fitHints(hints: string[], max: number): string {
  const join = (hs: string[]) => hs.join('  ');
  const kept = hints.filter((h) => KEPT.test(h));
  let used = join(kept).length;
  if (used > max) return cutHints(hints, max);
  const chosen = new Set(kept);
  for (const h of hints) {
    if (chosen.has(h)) continue;
    if (used + (used ? 2 : 0) + h.length > max) break;
    chosen.add(h);
    used += (used ? 2 : 0) + h.length;
  }
  return join(hints.filter((h) => chosen.has(h)));
}

/** Cuts at the last whole hint that fits. */
function cutHints(hints: string[], max: number): string {
  let out = '';
  for (const h of hints) {
    const next = out ? `${out}  ${h}` : h;
    if (next.length > max) break;
    out = next;
  }
  return out;
}

/** The key (or `:id`) that opens the message history, as the user has bound it. */
export function messagesKey(keymap: Keymap): string {
  const k = keymap.get('app.messages')?.keys[0];
  return k ? keyLabel(k) : ':app.messages';
}

/**
 * The status line: the message on the left, the focused scope's keys on the right. A message that does not fit
 * beside the keys wraps onto rows of its own (up to STATUS_MESSAGE_ROWS; beyond that the last row says where the
 * whole message is).
 */
export function statusLayout(msg: StatusMessage | null, hints: string[], width: number, readOnly: boolean, historyKey: string): StatusLayout {
  const ro = readOnly ? 'READ-ONLY ' : '';
  const avail = Math.max(1, width - ro.length);
  if (!msg) return { ro, message: [], hints: fitHints(hints, avail), hintsOnLast: true, rows: 1 };
  const hintText = fitHints(hints, Math.floor(avail / 2));
  if (textWidth(msg.text) <= avail - hintText.length - 1) return { ro, message: [msg.text], hints: hintText, hintsOnLast: true, rows: 1 };
  let message = wrapText(msg.text, avail);
  if (message.length > STATUS_MESSAGE_ROWS) {
    const more = ` … (${historyKey}: whole message)`;
    const last = Array.from(message[STATUS_MESSAGE_ROWS - 1]!);
    message = [...message.slice(0, STATUS_MESSAGE_ROWS - 1), last.slice(0, Math.max(0, avail - more.length)).join('').trimEnd() + more];
  }
  const lastWidth = textWidth(message[message.length - 1]!);
  const onLast = hintText.length > 0 && lastWidth + 2 + hintText.length <= avail;
  const hintsLine = onLast ? hintText : fitHints(hints, avail);
  return { ro, message, hints: hintsLine, hintsOnLast: onLast, rows: message.length + (onLast ? 0 : 1) };
}

/** The status line's layout for the current state. */
export function statusLayoutOf(s: AppState, keymap: Keymap): StatusLayout {
  const readOnly = selectReadOnly(s);
  const scope = selectTopScope(s);
  const hints = hintsFor(keymap, scope, { available: s.ui.available, readOnly }).map((h) => `${h.keys} ${h.label}`);
  return statusLayout(s.ui.status, hints, s.ui.size.cols, readOnly, messagesKey(keymap));
}

/** Rows between the filter bar and the status line. */
export function bodyRows(s: AppState, keymap: Keymap): number {
  const filterRows = s.ui.filter.editing || s.ui.filter.text ? 1 : 0;
  return s.ui.size.rows - 1 - statusLayoutOf(s, keymap).rows - filterRows;
}

/** Content rows of a full-screen overlay (help, message history): the body less its border and title. */
export function overlayRoom(s: AppState, keymap: Keymap): number {
  return Math.max(1, bodyRows(s, keymap) - 3);
}
