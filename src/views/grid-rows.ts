import { belowPaneRows, computeLayout } from '../store/layout.js';
import { selectSelected } from '../store/selectors.js';
import type { AppState } from '../store/slices/index.js';
import type { GridRow } from './grid-model.js';
import { hostHeaderHeight } from './HostHeader.js';
import { cardLines } from './VmCard.js';
import { wrapText } from './wrap.js';

// Rows of the grid that depend on what it shows (headers that wrap, the footer), shared by the grid, the layout
// of panes under it and the scroll handlers that need a pane's height.

/** The rows under the cards: what the selected card could not show whole, then how many VMs are off screen. */
export function gridFooter(selected: Pick<GridRow, 'ref' | 'status' | 'history'> | undefined, hidden: number, width: number, now: number): string[] {
  const dropped = selected?.status ? cardLines(selected.status, selected.history, now).dropped : [];
  const lines = dropped.length ? wrapText(`${selected!.ref.vm}: ${dropped.join(' · ')}`, width) : [];
  if (hidden > 0) lines.push(...wrapText(`… ${hidden} more VM${hidden === 1 ? '' : 's'} (move the selection to scroll)`, width));
  return lines;
}

/** Rows of the panes under the grid (layout 'below'; see belowPaneRows), given the screen's `body` rows. */
export function belowRows(s: AppState, body: number): number {
  const layout = computeLayout(s.ui.size, s.ui.panes.length, s.ui.zoomed, s.ui.paneSplit);
  const width = s.ui.size.cols;
  const sel = selectSelected(s);
  const host = sel ? s.hosts.byName[sel.host] : s.hosts.byName[s.hosts.order[0] ?? ''];
  const header = host ? hostHeaderHeight(host, width) : 0;
  const status = sel ? host?.status?.vms.find((v) => v.name === sel.vm) : undefined;
  // the "more" line: under a pane there is always less room than for every card
  const footer = 1 + (sel && status ? gridFooter({ ref: sel, status, history: host?.history[sel.vm] }, 0, width, Date.now()).length : 0);
  return belowPaneRows(layout, body, header, footer);
}
