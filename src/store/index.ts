export { createStore, type Store, type StoreOptions } from './store.js';
export { rootReducer, initialState, PENDING_TIMEOUT_MS } from './reducer.js';
export type { Action, AppState } from './slices/index.js';
export { HISTORY_MAX, type HostEntry, type VmInfo, type VmHistory, type CominInfo, type HostsAction } from './slices/hosts.js';
export { vmKey, type VmRef, type DialogState, type PaneRef, type StatusKind, type UiState, type UiAction } from './slices/ui.js';
export * from './selectors.js';
export * from './layout.js';
export { filterMatcher } from './filter.js';
