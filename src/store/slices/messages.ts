import type { Action } from './index.js';
import type { StatusMessage } from './ui.js';

// Every message the status line has shown, whole, for the message history (`M` or `:messages`, like vim's
// :messages): the status line wraps what it can and points here for the rest.

/** Messages kept; older ones are dropped first. */
export const MESSAGES_KEPT = 500;

export interface MessagesState {
  log: StatusMessage[];
  open: boolean;
  /** The first line shown (the view clamps it to the last page). */
  top: number;
}

export type MessagesAction = { type: 'messages/open'; top: number } | { type: 'messages/scroll'; top: number } | { type: 'messages/close' };

export const initialMessages: MessagesState = { log: [], open: false, top: 0 };

export function messagesReducer(state: MessagesState = initialMessages, action: Action): MessagesState {
  switch (action.type) {
    case 'ui/status': {
      const log = [...state.log, { text: action.text, kind: action.kind, at: action.at }];
      return { ...state, log: log.length > MESSAGES_KEPT ? log.slice(log.length - MESSAGES_KEPT) : log };
    }
    case 'messages/open':
      return { ...state, open: true, top: Math.max(0, action.top) };
    case 'messages/scroll':
      return state.open ? { ...state, top: Math.max(0, action.top) } : state;
    case 'messages/close':
      return state.open ? { ...state, open: false, top: 0 } : state;
    case 'ui/dialogOpen':
    case 'ui/paletteOpen':
    case 'ui/helpOpen':
      return state.open ? { ...state, open: false } : state;
    default:
      return state;
  }
}
