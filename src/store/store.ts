import { rootReducer, initialState } from './reducer.js';
import type { Action, AppState } from './slices/index.js';

export interface Store {
  getState(): AppState;
  dispatch(action: Action): void;
  /** For useSyncExternalStore: listeners run once per burst of dispatches, not once per dispatch. */
  subscribe(listener: () => void): () => void;
}

export interface StoreOptions {
  /** How a notification is deferred (default setImmediate): every dispatch before it runs shares one render. */
  schedule?: (fn: () => void) => void;
}

export function createStore(preload?: (s: AppState) => AppState, opts: StoreOptions = {}): Store {
  let state = preload ? preload(initialState()) : initialState();
  const listeners = new Set<() => void>();
  const schedule = opts.schedule ?? ((fn) => void setImmediate(fn));
  let scheduled = false;
  const notify = () => {
    scheduled = false;
    for (const l of [...listeners]) l();
  };
  return {
    getState: () => state,
    dispatch(action) {
      const next = rootReducer(state, action);
      if (next === state) return;
      state = next;
      if (!scheduled) {
        scheduled = true;
        schedule(notify);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
