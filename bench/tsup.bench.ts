import base from '../tsup.config.js';

// bench/frame-cost.sh: bench/frame-cost.tsx bundled as the app ships (FRAME_OUTPUT=stub) or with Ink's own
// frame composing (FRAME_OUTPUT=ink), everything else equal.
const b = base as { esbuildPlugins: Array<{ name: string }> };
const ink = process.env.FRAME_OUTPUT === 'ink';
export default {
  ...(base as object),
  entry: { 'frame-cost': 'bench/frame-cost.tsx' },
  outDir: process.env.FRAME_OUT_DIR,
  esbuildPlugins: ink ? b.esbuildPlugins.filter((p) => p.name !== 'ink-output') : b.esbuildPlugins,
  splitting: false,
  sourcemap: false,
  dts: false,
};
