import { rootReducer, initialState } from './reducer.js';
import type { Action, AppState } from './slices/index.js';

export interface Store {
  getState(): AppState;
  dispatch(action: Action): void;
  /** For useSyncExternalStore: listeners run once per burst of dispatches, not once per dispatch. */
  subscribe(listener: () => void): () => void;
  /** A key was pressed: the next notification runs as a microtask, not after the I/O the event loop has waiting
   *  (under a log flood, a backlog of socket reads), so the key's frame is drawn first. */
  expedite(): void;
}

export interface StoreOptions {
  /** How a notification is deferred (default setImmediate): every dispatch before it runs shares one render. */
  schedule?: (fn: () => void) => void;
}

export function createStore(preload?: (s: AppState) => AppState, opts: StoreOptions = {}): Store {
  let state = preload ? preload(initialState()) : initialState();
  const listeners = new Set<() => void>();
  const schedule = opts.schedule ?? ((fn) => void setImmediate(fn));
  let dirty = false; // a change the listeners have not heard of
  let scheduled = false;
  let expedited = false; // by a key: until the next notification
  let hurried = false; // a microtask notification is queued
  const notify = () => {
    hurried = false;
    if (!dirty) return; // an earlier notification already told them
    dirty = false;
    expedited = false;
    for (const l of [...listeners]) l();
  };
  const later = () => {
    scheduled = false;
    notify();
  };
  const hurry = () => {
    if (hurried) return;
    hurried = true;
    queueMicrotask(notify);
  };
  return {
    getState: () => state,
    dispatch(action) {
      const next = rootReducer(state, action);
      if (next === state) return;
      state = next;
      dirty = true;
      if (expedited) hurry();
      else if (!scheduled) {
        scheduled = true;
        schedule(later);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    expedite() {
      // Not notified here: the key's own dispatch (perhaps after an await in the controller) hurries.
      expedited = true;
    },
  };
}
