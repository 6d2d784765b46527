import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
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

/** The whole state; a burst of dispatches re-renders once (the store coalesces notifications). */
export function useAppState(): AppState {
  const { store } = useServices();
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}

/** Select from the state (the selector runs on every render: keep it cheap or memoize its input). */
export function useStore<T>(selector: (s: AppState) => T): T {
  return selector(useAppState());
}

/** What help, hints and the palette may show. */
export function useVisibility(): Visibility {
  const s = useAppState();
  return { available: s.ui.available, readOnly: selectReadOnly(s) };
}
