import { defineConfig } from 'tsup';
import pkg from './package.json' with { type: 'json' };
import { thirdPartyLicenses } from './tsup.licenses.js';
import { bundlePlugins } from './tsup.plugins.js';

// Ink (with react, react-reconciler, yoga), zod and yaml are bundled into dist/: loading them from node_modules
// as hundreds of small ESM files cost ~370 ms of start-up. External, as they must be: ssh2 (CommonJS that
// requires its optional native addon cpu-features) and node-pty (tests only).
export default defineConfig({
  entry: { cli: 'src/cli.tsx', index: 'src/index.ts' },
  // Types for the package entry (the status schema and parsers scripts import) cost ~20 s: only when packing.
  dts: process.env.MVM_DTS === '1' ? { entry: { index: 'src/index.ts' } } : false,
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  outDir: 'dist',
  bundle: true,
  external: ['ssh2', 'cpu-features', 'node-pty'],
  // Built-ins go through the plugin node-builtins-required (tsup.plugins.ts) (tsup's own would make `node:x` an import first).
  removeNodeProtocol: false,
  noExternal: [/^(?!(ssh2|cpu-features|node-pty)$)/],
  // Split so a subcommand loads only what it uses (measured: --version 1.79 s -> 0.42 s, status --json 2.14 -> 0.95 s under load).
  splitting: true,
  sourcemap: true,
  clean: true,
  // Production React: development mode costs render time (measured: key-to-frame 77 ms -> 26 ms under a log flood).
  define: { __MVM_VERSION__: JSON.stringify(pkg.version), 'process.env.NODE_ENV': '"production"' },
  // Bundled CommonJS (react, react-reconciler, scheduler) calls require(): give the ESM chunks one.
  banner: { js: "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);" },
  esbuildOptions(o) {
    // Smaller files parse faster (start-up); identifiers keep their names so a crash's stack trace stays readable.
    o.minifyWhitespace = true;
    o.minifySyntax = true;
    // Licence headers of bundled code (@license, /*! */) are kept, gathered at the end of each file.
    o.legalComments = 'eof';
  },
  esbuildPlugins: [...bundlePlugins, thirdPartyLicenses('THIRD-PARTY-LICENSES.txt')],
});
