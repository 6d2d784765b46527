// How several log panes share an area: side by side while each gets MIN_PANE_WIDTH columns, else in a
// grid (2x2 for four). Pure, so the controller can size a page with the same numbers the view draws.

export const MIN_PANE_WIDTH = 40;
export const MIN_PANE_HEIGHT = 8;

export interface PaneCell {
  index: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export function paneCells(count: number, width: number, height: number): PaneCell[] {
  if (count <= 0) return [];
  const byWidth = Math.max(1, Math.floor(width / MIN_PANE_WIDTH));
  let columns = Math.min(count, byWidth);
  let rows = Math.ceil(count / columns);
  // Too short for that many rows: trade height for width down to the minimum width.
  while (rows > 1 && Math.floor(height / rows) < MIN_PANE_HEIGHT && columns < count) {
    columns++;
    rows = Math.ceil(count / columns);
  }
  const cells: PaneCell[] = [];
  for (let i = 0; i < count; i++) {
    const r = Math.floor(i / columns);
    const c = i % columns;
    const inRow = r === rows - 1 ? count - r * columns : columns; // the last row's panes share its width
    const x0 = Math.floor((c * width) / inRow);
    const x1 = Math.floor(((c + 1) * width) / inRow);
    const y0 = Math.floor((r * height) / rows);
    const y1 = Math.floor(((r + 1) * height) / rows);
    cells.push({ index: i, x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
  }
  return cells;
}
