const BARS = '▁▂▃▄▅▆▇█';

/** The last `width` values as bars scaled to their own range ('' when there is nothing to draw). */
export function sparkline(values: readonly number[], width = 8, max?: number): string {
  const v = values.slice(-width).filter((x) => Number.isFinite(x));
  if (!v.length) return '';
  const lo = max === undefined ? Math.min(...v) : 0;
  const hi = max === undefined ? Math.max(...v) : max;
  const span = hi - lo;
  return v.map((x) => BARS[span > 0 ? Math.min(7, Math.max(0, Math.round(((x - lo) / span) * 7))) : 0]).join('');
}
