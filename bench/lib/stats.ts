// Small statistics and formatting helpers shared by the benchmarks: every number is printed next to the
// baseline it was measured against in the same run.

export function quantile(xs: readonly number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  // nearest-rank: p99 of 100 samples is the 99th smallest, never an interpolated value nobody saw
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i]!;
}

export const median = (xs: readonly number[]) => quantile(xs, 0.5);
export const p95 = (xs: readonly number[]) => quantile(xs, 0.95);
export const p99 = (xs: readonly number[]) => quantile(xs, 0.99);

export function ms(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return x >= 1000 ? `${(x / 1000).toFixed(2)} s` : x >= 10 ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} ms`;
}

export function ratio(slow: number, fast: number): string {
  if (!Number.isFinite(slow) || !Number.isFinite(fast) || fast <= 0) return 'n/a';
  const r = slow / fast;
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(1)}x`;
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** "median 12 ms, p95 15 ms, min 11 ms (n=20)" */
export function summary(xs: readonly number[]): string {
  return `median ${ms(median(xs))}, p95 ${ms(p95(xs))}, min ${ms(Math.min(...xs))} (n=${xs.length})`;
}

/** A target line: "target: <what> -> met / NOT met". Reported, never asserted. */
export function target(what: string, met: boolean): string {
  return `  target ${what}: ${met ? 'met' : 'NOT met'}`;
}

/** Times an async function in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export const sleep = (msec: number) => new Promise<void>((r) => setTimeout(r, msec));

/** Prints aligned rows (first column left, the rest right-aligned). */
export function table(rows: string[][]): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('   ')).join('\n');
}
