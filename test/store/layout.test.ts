import { describe, expect, it } from 'vitest';
import { computeLayout, paneHeight } from '../../src/store/layout.js';

describe('layout of the grid and the panes', () => {
  it('from 160 columns, log panes sit in columns beside each other and the grid, at least 60 wide each', () => {
    expect(computeLayout({ cols: 160, rows: 40 }, 1, false)).toEqual({ mode: 'side', gridWidth: 80, paneWidth: 80, paneRows: 0, paneDirection: 'row' });
    // two panes at 160: the grid gives up a column of cards so each pane keeps 60 columns
    expect(computeLayout({ cols: 160, rows: 40 }, 2, false)).toMatchObject({ mode: 'side', gridWidth: 40, paneWidth: 120, paneDirection: 'row' });
    expect(computeLayout({ cols: 200, rows: 50 }, 2, false)).toMatchObject({ gridWidth: 80, paneWidth: 120 });
    expect(computeLayout({ cols: 240, rows: 50 }, 3, false)).toMatchObject({ gridWidth: 40, paneWidth: 200 });
  });

  it('in rows, the panes stack beside the grid (from 160 columns) or below it', () => {
    expect(computeLayout({ cols: 160, rows: 40 }, 2, false, 'rows')).toMatchObject({ mode: 'side', gridWidth: 80, paneWidth: 80, paneDirection: 'column' });
    expect(computeLayout({ cols: 120, rows: 40 }, 2, false, 'rows')).toMatchObject({ mode: 'below', paneRows: 19, paneDirection: 'column' });
    expect(computeLayout({ cols: 120, rows: 40 }, 2, false, 'columns')).toMatchObject({ mode: 'below', paneDirection: 'row' });
  });

  it('a pane is as tall as its area in columns, a share of it in rows', () => {
    const body = 37;
    expect(paneHeight(computeLayout({ cols: 160, rows: 40 }, 2, false), body, 2)).toBe(37);
    expect(paneHeight(computeLayout({ cols: 160, rows: 40 }, 2, false, 'rows'), body, 2)).toBe(18);
    expect(paneHeight(computeLayout({ cols: 120, rows: 40 }, 2, false, 'rows'), body, 2)).toBe(9);
    expect(paneHeight(computeLayout({ cols: 120, rows: 40 }, 2, true), body, 2)).toBe(37);
  });
});
