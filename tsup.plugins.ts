import { readFile } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import type { Plugin } from 'esbuild';

// The bundle's stand-ins and rewrites (tsup.config.ts): each says what it replaces and what that saved. The names
// matter: bench/tsup.bench.ts leaves 'ink-output' out to measure Ink's own frame composing.

const nodeRequire = createRequire(import.meta.url);

export const bundlePlugins: Plugin[] = [
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
    // load undici first (~25 ms of start-up). With fetch shadowed it decodes the same bytes itself; and it decodes
    // them with Buffer instead of atob and a loop over 70,000 characters in cold code (~4 ms and a GC).
    name: 'yoga-no-fetch',
    setup(build) {
      const loop = 'var b=xa(a.slice(37)),c=new Uint8Array(b.length);for(a=0;a<b.length;++a)c[a]=b.charCodeAt(a);var d=c';
      build.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, async (args) => {
        const src = await readFile(args.path, 'utf8');
        if (!src.includes(loop)) throw new Error(`${args.path} changed: no base64 loop to replace`);
        return { contents: `const fetch = undefined;\n${src.replace(loop, 'var d=Buffer.from(a.slice(37),"base64")')}`, loader: 'js' };
      });
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
  {
    // Three bundled packages make an Intl.Segmenter when loaded: @alcalzone/ansi-tokenize (Ink's output tokenizes
    // every line with it), slice-ansi and wrap-ansi's own string-width. The first one in a process loads ICU's
    // break rules (~10 ms of start-up). They get src/stubs/segmenter.ts's instead, which splits strings of the
    // UI's common one-column characters itself and makes the same Intl.Segmenter for anything else.
    name: 'lazy-segmenter',
    setup(build) {
      const stub = new URL('./src/stubs/segmenter.ts', import.meta.url).pathname;
      const files = /[\\/](@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize|slice-ansi[\\/]tokenize-ansi|wrap-ansi[\\/]node_modules[\\/]string-width[\\/]index)\.js$/;
      build.onLoad({ filter: files }, async (args) => {
        const src = await readFile(args.path, 'utf8');
        if (src.split('new Intl.Segmenter(').length !== 2) throw new Error(`${args.path} changed: not one \`new Intl.Segmenter(\` to replace`);
        return { contents: `import { graphemeSegmenter as __graphemeSegmenter } from ${JSON.stringify(stub)};\n${src.replace('new Intl.Segmenter(', '__graphemeSegmenter(')}`, loader: 'js' };
      });
    },
  },
  {
    // Node's built-ins are taken with require() (the banner's), not imported as ES modules: importing one builds
    // its ES module facade, which reads every export, and that runs Node's lazy getters (import process ->
    // process.report's module, util -> util.MIMEType's, buffer -> File's, fs -> its streams ...); under
    // bin/mvm-tui's V8 flag each such module is compiled without its code cache. For an import, a module with
    // the same default and named exports, each name read when it loads as the facade would, and esbuild drops
    // the names nothing imports (so their getters never run); for a require() (bundled CommonJS), the module itself.
    name: 'node-builtins-required',
    setup(build) {
      build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
        if (!isBuiltin(args.path)) return undefined;
        // import('node:x') stays Node's own (it is loaded when called, and needs the whole namespace anyway)
        if (args.namespace.startsWith('node-builtin') || args.kind === 'dynamic-import') return { path: args.path, external: true };
        const path = args.path.startsWith('node:') ? args.path : `node:${args.path}`;
        return { path, namespace: args.kind === 'require-call' ? 'node-builtin-cjs' : 'node-builtin-esm' };
      });
      build.onLoad({ filter: /.*/, namespace: 'node-builtin-cjs' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
      build.onLoad({ filter: /.*/, namespace: 'node-builtin-esm' }, (args) => {
        const names = Object.getOwnPropertyNames(nodeRequire(args.path)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
        const lines = [`const m = require(${JSON.stringify(args.path)});`, 'const get = (name) => m[name];', 'export default m;'];
        for (const n of names) lines.push(`export const ${n} = /* @__PURE__ */ get(${JSON.stringify(n)});`);
        return { contents: lines.join('\n'), loader: 'js' };
      });
    },
  },
];
