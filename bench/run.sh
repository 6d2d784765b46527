#!/usr/bin/env bash
# npm run bench [-- NAME...]: bundles the benchmarks and the CLI (as tsup bundles dist/cli.js) into bench/out/, then runs
# them inside the lab's network namespace. Output also goes to bench/out/latest.txt.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=bench/out
mkdir -p "$out"
# The bundles are removed afterwards: eslint.config.js does not ignore bench/out/ (yet), and `npm run lint` lints .js.
trap 'rm -rf "$out"/*.js "$out/split"' EXIT
banner="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);"
version=$(node -p 'JSON.stringify(require("./package.json").version)')
# --packages=external: like tsup, only our own code is bundled; ink, react, ssh2 ... load from node_modules.
common=(--bundle --platform=node --format=esm --target=node20 --log-level=warning --packages=external
  "--banner:js=$banner" "--define:__MVM_VERSION__=$version")
node_modules/.bin/esbuild src/cli.tsx "${common[@]}" --outfile="$out/cli.js"
# The same with code splitting (what tsup's splitting:true would give): measured beside it by bench/status-cli.ts.
rm -rf "$out/split"
node_modules/.bin/esbuild src/cli.tsx "${common[@]}" --splitting --outdir="$out/split"
node_modules/.bin/esbuild bench/main.ts "${common[@]}" --outfile="$out/bench.js"
# lab:run enters the lab netns (no route anywhere else) and cds to INIT_CWD: make that the repo root.
INIT_CWD="$root" npm run -s lab:run -- node --expose-gc "$root/$out/bench.js" "$@" 2>&1 | tee "$out/latest.txt"
