import base from '../tsup.config.js';

// Bundles a benchmark as the app ships (tsup.config.ts: Ink, React ... bundled, with the same stand-ins), so
// what it renders is drawn by the same code as in bin/mvm-tui. BENCH_ENTRY names the entry (name=path),
// BENCH_OUT_DIR the directory; BENCH_INK_OUTPUT=ink leaves Ink's own frame composing in (bench/frame-cost.sh).
const b = base as { esbuildPlugins: Array<{ name: string }> };
const [name, path] = (process.env.BENCH_ENTRY ?? '').split('=');
if (!name || !path || !process.env.BENCH_OUT_DIR) throw new Error('bench/tsup.bench.ts: set BENCH_ENTRY=name=path and BENCH_OUT_DIR');
export default {
  ...(base as object),
  entry: { [name]: path },
  outDir: process.env.BENCH_OUT_DIR,
  esbuildPlugins: process.env.BENCH_INK_OUTPUT === 'ink' ? b.esbuildPlugins.filter((p) => p.name !== 'ink-output') : b.esbuildPlugins,
  splitting: false,
  clean: false,
  sourcemap: false,
  dts: false,
};
