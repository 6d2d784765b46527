import { createContext, useContext, useRef, useSyncExternalStore, type ReactNode } from 'react';
import type { Controller } from '../controller/controller.js';
import type { Keymap } from '../keymap/build.js';
import type { Visibility } from '../keymap/visible.js';
import { selectReadOnly } from '../store/selectors.js';
import type { AppState } from '../store/slices/index.js';
import type { Store } from '../store/store.js';

// The store, the controller and the keymap, handed to every view through one context.

export interface AppServices {
  store: Store;
  controller: Controller;
  keymap: Keymap;
}

const Ctx = createContext<AppServices | null>(null);

export function AppProvider({ value, children }: { value: AppServices; children: ReactNode }) {
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useServices(): AppServices {
  const v = useContext(Ctx);
  if (!v) throw new Error('useServices outside <AppProvider>');
  return v;
}

/** The whole state: re-renders on every change. Views should prefer useStore with a narrow selector. */
export function useAppState(): AppState {
  const { store } = useServices();
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}

/**
 * What `selector` picks from the state; the component re-renders only when that changes by `equal`
 * (default Object.is), not on every dispatch. A status report that changes nothing shown must not re-render
 * (each React commit costs Ink a layout and a whole-screen redraw). The selector runs once per state change.
 */
export function useStore<T>(selector: (s: AppState) => T, equal: (a: T, b: T) => boolean = Object.is): T {
  const { store } = useServices();
  // the last answer, kept while equal, so useSyncExternalStore sees the same value and does not re-render
  const last = useRef<{ state: AppState; selector: (s: AppState) => T; value: T } | null>(null);
  const get = () => {
    const state = store.getState();
    const prev = last.current;
    if (prev && prev.state === state && prev.selector === selector) return prev.value;
    const next = selector(state);
    const value = prev && equal(prev.value, next) ? prev.value : next;
    last.current = { state, selector, value };
    return value;
  };
  return useSyncExternalStore(store.subscribe, get, get);
}

/** What help, hints and the palette may show. */
export function useVisibility(): Visibility {
  const available = useStore((s) => s.ui.available);
  const readOnly = useStore(selectReadOnly);
  const shellsInReadOnly = useStore((s) => s.ui.shellsInReadOnly);
  return { available, readOnly, shellsInReadOnly };
}
