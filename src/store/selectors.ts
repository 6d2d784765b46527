import type { Scope } from '../keymap/types.js';
import type { VmStatus } from '../model/status.js';
import { filterMatcher } from './filter.js';
import { computeLayout, gridColumns } from './layout.js';
import type { AppState } from './slices/index.js';
import { logsTyping } from './slices/logs.js';
import { snapshotsTyping } from './slices/snapshots.js';
import type { HostEntry, VmHistory, VmInfo } from './slices/hosts.js';
import { vmKey, type VmRef } from './slices/ui.js';

export interface VmRow {
  ref: VmRef;
  info: VmInfo;
  status: VmStatus | null;
  history: VmHistory | undefined;
}

export function selectHosts(s: AppState): HostEntry[] {
  return s.hosts.order.map((n) => s.hosts.byName[n]).filter((h): h is HostEntry => Boolean(h));
}

/** A host whose data is old: the connection is down or the last report could not reach it. */
export function isStale(h: HostEntry): boolean {
  return h.conn?.status === 'down' || (h.status !== null && !h.status.reachable);
}

/** How old the shown data is, in ms, or null when fresh / never seen. */
export function staleAge(h: HostEntry, now: number): number | null {
  if (!isStale(h)) return null;
  return h.lastOkAt === null ? null : Math.max(0, now - h.lastOkAt);
}


/** Every VM shown, in screen order (hosts in inventory order), after the filter. */
export function selectVisibleVms(s: AppState): VmRow[] {
  const match = filterMatcher(s.ui.filter.text);
  const rows: VmRow[] = [];
  for (const h of selectHosts(s)) {
    for (const info of h.vms) {
      if (!match(`${info.name} ${info.role} ${h.name}`)) continue;
      rows.push({ ref: { host: h.name, vm: info.name }, info, status: h.status?.vms.find((v) => v.name === info.name) ?? null, history: h.history[info.name] });
    }
  }
  return rows;
}

const same = (a: VmRef | null, b: VmRef | null) => Boolean(a && b && a.host === b.host && a.vm === b.vm);

/** The selected VM: the stored selection while it is shown, else the first VM shown. */
export function selectSelected(s: AppState): VmRef | null {
  const rows = selectVisibleVms(s);
  return rows.find((r) => same(r.ref, s.ui.selection))?.ref ?? rows[0]?.ref ?? null;
}

/** What an action applies to: the marked VMs when there are any, else the selected one. */
export function selectTargets(s: AppState): VmRef[] {
  const all = selectHosts(s).flatMap((h) => h.vms.map((v) => ({ host: h.name, vm: v.name })));
  const marked = all.filter((r) => s.ui.marked.includes(vmKey(r)));
  if (marked.length) return marked;
  const sel = selectSelected(s);
  return sel ? [sel] : [];
}

/** The focus scopes, bottom to top: the grid, a focused pane, then overlays. The router reads the top. */
export function selectFocusStack(s: AppState): Scope[] {
  const stack: Scope[] = ['grid'];
  const pane = s.ui.panes.find((p) => p.id === s.ui.activePane);
  if (pane) stack.push(pane.scope);
  // a name being typed in the pane (J's unit, n's snapshot name) is not a filter: its own keys and hints
  const naming = (pane?.kind === 'snapshots' && s.snapshots.naming !== null) || (pane?.kind === 'logs' && (s.logs.byId[pane.id]?.prompt ?? null) !== null);
  if (naming) stack.push('input');
  else if (s.ui.filter.editing || (pane?.kind === 'snapshots' && snapshotsTyping(s.snapshots)) || (pane?.kind === 'logs' && logsTyping(s.logs.byId[pane.id]))) stack.push('filter');
  if (s.ui.help.open) stack.push('help');
  if (s.messages.open) stack.push('messages');
  if (s.ui.palette) stack.push('palette');
  if (s.ui.dialog) stack.push(s.ui.dialog.typeToConfirm || s.ui.dialog.secret ? 'prompt' : 'dialog');
  return stack;
}

/** The scopes whose commands can run from where the operator is: everywhere, the grid, and the focused pane. */
export function selectPaletteScopes(s: AppState): Scope[] {
  const pane = s.ui.panes.find((p) => p.id === s.ui.activePane);
  return pane ? ['global', 'grid', pane.scope] : ['global', 'grid'];
}

export function selectTopScope(s: AppState): Scope {
  const st = selectFocusStack(s);
  return st[st.length - 1]!;
}

/** Read-only applies: globally, or for the host of the selected VM. */
export function selectReadOnly(s: AppState): boolean {
  if (s.ui.readOnly) return true;
  const sel = selectSelected(s);
  return sel ? (s.hosts.byName[sel.host]?.readOnly ?? false) : false;
}

export function selectLayout(s: AppState) {
  return computeLayout(s.ui.size, s.ui.panes.length, s.ui.zoomed, s.ui.paneSplit);
}

export type Move = 'up' | 'down' | 'left' | 'right' | 'first' | 'last';

/** The VM a move lands on, following the cards as laid out: rows of `columns` cards, per host. */
export function moveSelection(s: AppState, move: Move, columns = gridColumns(selectLayout(s).gridWidth)): VmRef | null {
  const rows = selectVisibleVms(s);
  if (!rows.length) return null;
  const cur = selectSelected(s);
  const flat = Math.max(0, rows.findIndex((r) => same(r.ref, cur)));
  if (move === 'first') return rows[0]!.ref;
  if (move === 'last') return rows[rows.length - 1]!.ref;
  if (move === 'left') return rows[Math.max(0, flat - 1)]!.ref;
  if (move === 'right') return rows[Math.min(rows.length - 1, flat + 1)]!.ref;
  // lay out: each host starts a new row
  const grid: VmRow[][] = [];
  let lastHost: string | null = null;
  for (const r of rows) {
    const line = grid[grid.length - 1];
    if (r.ref.host !== lastHost || !line || line.length >= columns) grid.push([r]);
    else line.push(r);
    lastHost = r.ref.host;
  }
  const rowIdx = grid.findIndex((line) => line.some((r) => same(r.ref, rows[flat]!.ref)));
  const colIdx = grid[rowIdx]!.findIndex((r) => same(r.ref, rows[flat]!.ref));
  const target = grid[move === 'up' ? Math.max(0, rowIdx - 1) : Math.min(grid.length - 1, rowIdx + 1)]!;
  return target[Math.min(colIdx, target.length - 1)]!.ref;
}
