// Where things go on the screen, as pure functions of the terminal size, so the controller (moving
// the selection) and the views agree on the grid's columns.

export const MIN_COLS = 80;
export const MIN_ROWS = 24;
/** A VM card's width including its right margin. */
export const CARD_WIDTH = 40;
/** From this width panes go to the right of the grid; below it, under the grid. */
export const SIDE_BY_SIDE_COLS = 160;

export interface Layout {
  mode: 'grid' | 'side' | 'below' | 'zoomed';
  gridWidth: number;
  paneWidth: number;
  /** Rows for the panes area when below the grid (0 otherwise). */
  paneRows: number;
}

/** The screen is `rows - 1` tall (a root as tall as the terminal makes Ink flicker); 1 row is the status line. */
export function computeLayout(size: { cols: number; rows: number }, panes: number, zoomed: boolean): Layout {
  const cols = Math.max(size.cols, 1);
  if (!panes) return { mode: 'grid', gridWidth: cols, paneWidth: 0, paneRows: 0 };
  if (zoomed) return { mode: 'zoomed', gridWidth: 0, paneWidth: cols, paneRows: 0 };
  if (cols >= SIDE_BY_SIDE_COLS) {
    const gridWidth = Math.max(CARD_WIDTH * 2, Math.floor(cols / 2 / CARD_WIDTH) * CARD_WIDTH);
    return { mode: 'side', gridWidth, paneWidth: cols - gridWidth, paneRows: 0 };
  }
  return { mode: 'below', gridWidth: cols, paneWidth: cols, paneRows: Math.max(8, Math.floor((size.rows - 2) / 2)) };
}

export function gridColumns(gridWidth: number): number {
  return Math.max(1, Math.floor(gridWidth / CARD_WIDTH));
}

export function tooSmall(size: { cols: number; rows: number }): boolean {
  return size.cols < MIN_COLS || size.rows < MIN_ROWS;
}
