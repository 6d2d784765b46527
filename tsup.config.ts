import { readFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';
import pkg from './package.json' with { type: 'json' };
import { thirdPartyLicenses } from './tsup.licenses.js';

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
  esbuildPlugins: [
    {
      // Ink imports ./devtools.js (react-devtools-core, ws) only when DEV=true: a stub that says so instead.
      name: 'ink-devtools-stub',
      setup(build) {
        const stub = new URL('./src/stubs/ink-devtools.ts', import.meta.url).pathname;
        build.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) => (/[\\/]ink[\\/]build[\\/]/.test(args.importer) ? { path: stub } : undefined));
      },
    },
    {
      // Ink's build/output.js (composes each frame) goes through src/stubs/ink-output.ts: same output, but a row
      // that looks as before is not composed again (a 20-host grid frame: ~14 ms of CPU before).
      name: 'ink-output',
      setup(build) {
        const stub = new URL('./src/stubs/ink-output.ts', import.meta.url).pathname;
        build.onResolve({ filter: /^\.\/output\.js$/ }, (args) => (/[\\/]ink[\\/]build[\\/]/.test(args.importer) ? { path: stub } : undefined));
      },
    },
    {
      // Yoga's emscripten loader fetch()es its inline base64 WebAssembly whenever fetch exists, which makes Node 20
      // load undici first (~25 ms of start-up). With fetch shadowed it decodes the same bytes itself.
      name: 'yoga-no-fetch',
      setup(build) {
        build.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, async (args) => ({
          contents: `const fetch = undefined;\n${await readFile(args.path, 'utf8')}`,
          loader: 'js',
        }));
      },
    },
    {
      // string-width (v8, Ink's text measuring) goes through src/stubs/string-width.ts, which counts the common
      // one-column strings itself and loads string-width (its segmenter and emoji regex, ~35 ms) only when needed.
      // wrap-ansi's own older copy is left alone.
      name: 'string-width-fast',
      setup(build) {
        const stub = new URL('./src/stubs/string-width.ts', import.meta.url).pathname;
        let real: string | undefined;
        build.onResolve({ filter: /^string-width$/ }, async (args) => {
          if (args.importer === stub || args.pluginData === 'string-width-fast') return undefined;
          const again = { kind: args.kind, pluginData: 'string-width-fast' };
          real ??= (await build.resolve('string-width', { ...again, resolveDir: new URL('.', import.meta.url).pathname })).path;
          const found = await build.resolve('string-width', { ...again, resolveDir: args.resolveDir });
          return found.path === real ? { path: stub } : found;
        });
      },
    },
    {
      // Under bin/mvm-tui's V8 flag Node compiles its own modules without their code cache, so each one loaded
      // before the first frame costs more (~5 ms each here). Two bundled packages load one for a rare path:
      // signal-exit (Ink's exit hook) node:assert for an argument check, terminal-size (Ink's fallback when
      // stdout is no terminal) node:child_process. Both now load it when that path runs, with the same result.
      name: 'lazy-node-modules',
      setup(build) {
        const rewrite = (filter: RegExp, eager: string, lazy: string) =>
          build.onLoad({ filter }, async (args) => {
            const src = await readFile(args.path, 'utf8');
            if (!src.includes(eager)) throw new Error(`${args.path} changed: no \`${eager}\` to make lazy`);
            return { contents: src.replace(eager, lazy), loader: 'js' };
          });
        rewrite(/[\\/]signal-exit[\\/]index\.js$/, "var assert = require('assert')", "var assert = { equal: function (a, b, m) { if (a != b) require('assert').equal(a, b, m) } }");
        rewrite(/[\\/]terminal-size[\\/]index\.js$/, "import {execFileSync} from 'node:child_process';", "const execFileSync = (...a) => require('node:child_process').execFileSync(...a);");
      },
    },
    thirdPartyLicenses('THIRD-PARTY-LICENSES.txt'),
  ],
});
