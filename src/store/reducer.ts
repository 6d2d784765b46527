import { reducers, type Action, type AppState } from './slices/index.js';
import { vmKey } from './slices/ui.js';

const SETTLED = new Set(['active', 'inactive', 'failed']);
/** A spinner never outlives this, even when the unit never settles. */
export const PENDING_TIMEOUT_MS = 60_000;

/** The root reducer: every slice sees every action; unchanged slices keep their identity. */
export function rootReducer(state: AppState | undefined, action: Action): AppState {
  let changed = state === undefined;
  const next = {} as Record<string, unknown>;
  for (const [name, reduce] of Object.entries(reducers) as Array<[keyof AppState, (s: unknown, a: Action) => unknown]>) {
    const prev = state?.[name];
    const n = reduce(prev, action);
    if (n !== prev) changed = true;
    next[name] = n;
  }
  const out = changed ? (next as AppState) : state!;
  return action.type === 'hosts/status' ? settlePending(out, action.status.name, action.at) : out;
}

/** A finished action's spinner stops once the next report shows its unit settled. */
function settlePending(state: AppState, host: string, at: number): AppState {
  const status = state.hosts.byName[host]?.status;
  const pending = state.ui.pending;
  const done: string[] = [];
  for (const [key, p] of Object.entries(pending)) {
    if (!key.startsWith(`${host}/`)) continue;
    const vm = status?.vms.find((v) => vmKey({ host, vm: v.name }) === key);
    if ((p.done && (!vm || SETTLED.has(vm.active))) || at - p.since > PENDING_TIMEOUT_MS) done.push(key);
  }
  if (!done.length) return state;
  const rest = { ...pending };
  for (const k of done) delete rest[k];
  return { ...state, ui: { ...state.ui, pending: rest } };
}

export function initialState(): AppState {
  return rootReducer(undefined, { type: '@@init' } as unknown as Action);
}
