// Where things go on the screen, as pure functions of the terminal size, so the controller (moving
// the selection) and the views agree on the grid's columns.

export const MIN_COLS = 80;
export const MIN_ROWS = 24;
/** A VM card's width including its right margin. */
export const CARD_WIDTH = 40;
/** From this width panes go to the right of the grid; below it, under the grid. */
export const SIDE_BY_SIDE_COLS = 160;

/** Minimum width of a log pane in columns beside others before the grid gives up a column of cards for it. */
export const MIN_PANE_COLS = 60;

/** How the panes sit together: in columns (side by side) or in rows (stacked), switched with `|`. */
export type PaneSplit = 'columns' | 'rows';

export interface Layout {
  mode: 'grid' | 'side' | 'below' | 'zoomed';
  gridWidth: number;
  paneWidth: number;
  /** Rows for the panes area when below the grid (0 otherwise). */
  paneRows: number;
  /** The panes area's flex direction: 'row' puts the panes side by side, 'column' stacks them. */
  paneDirection: 'row' | 'column';
}

/** The grid's width beside `panes` panes in columns: half the screen in whole cards, less while a pane would be narrower than MIN_PANE_COLS (one card at least). */
function sideGridWidth(cols: number, panes: number, split: PaneSplit): number {
  const half = Math.max(CARD_WIDTH * 2, Math.floor(cols / 2 / CARD_WIDTH) * CARD_WIDTH);
  if (split === 'rows' || panes < 2) return half;
  let grid = half;
  while (grid > CARD_WIDTH && (cols - grid) / panes < MIN_PANE_COLS) grid -= CARD_WIDTH;
  return grid;
}

/** The screen is `rows - 1` tall (a root as tall as the terminal makes Ink flicker); 1 row is the status line. */
export function computeLayout(size: { cols: number; rows: number }, panes: number, zoomed: boolean, split: PaneSplit = 'columns'): Layout {
  const cols = Math.max(size.cols, 1);
  const paneDirection = split === 'columns' ? 'row' : 'column';
  if (!panes) return { mode: 'grid', gridWidth: cols, paneWidth: 0, paneRows: 0, paneDirection };
  if (zoomed) return { mode: 'zoomed', gridWidth: 0, paneWidth: cols, paneRows: 0, paneDirection };
  if (cols >= SIDE_BY_SIDE_COLS) {
    const gridWidth = sideGridWidth(cols, panes, split);
    return { mode: 'side', gridWidth, paneWidth: cols - gridWidth, paneRows: 0, paneDirection };
  }
  return { mode: 'below', gridWidth: cols, paneWidth: cols, paneRows: Math.max(8, Math.floor((size.rows - 2) / 2)), paneDirection };
}

/** A card's rows (frame included), by which the grid windows. */
export const CARD_ROWS = 8;

/**
 * Rows of the panes under the grid: the layout's share, and the rows the grid would leave blank, so none are left
 * between them. The grid draws its selected host's header and as many whole rows of cards as fit (at least one),
 * then its footer; where the header and one row do not fit in its share, the row alone. `body`: the rows between
 * the filter bar and the status line.
 */
export function belowPaneRows(layout: Layout, body: number, headerRows: number, footerRows: number): number {
  const avail = Math.max(0, body - layout.paneRows);
  const withHeader = headerRows + Math.max(1, Math.floor((avail - headerRows - footerRows) / CARD_ROWS)) * CARD_ROWS + footerRows;
  const without = Math.max(1, Math.floor((avail - footerRows) / CARD_ROWS)) * CARD_ROWS + footerRows;
  const grid = withHeader <= avail ? withHeader : Math.min(avail, without);
  return body - grid;
}

/** Rows one pane gets, given the rows of the screen's body (between the header line and the status line) and,
 *  below the grid, the rows the panes area gets (belowSplit). */
export function paneHeight(layout: Layout, body: number, panes: number, belowRows = layout.paneRows): number {
  if (layout.mode === 'zoomed') return body;
  const area = layout.mode === 'side' ? body : belowRows;
  return layout.paneDirection === 'column' ? Math.floor(area / Math.max(1, panes)) : area;
}

export function gridColumns(gridWidth: number): number {
  return Math.max(1, Math.floor(gridWidth / CARD_WIDTH));
}

export function tooSmall(size: { cols: number; rows: number }): boolean {
  return size.cols < MIN_COLS || size.rows < MIN_ROWS;
}
