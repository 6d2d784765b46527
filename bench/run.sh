#!/usr/bin/env bash
# npm run bench [-- NAME...]: bundles the benchmarks and the CLI (as tsup bundles dist/cli.js) into bench/out/,
# then runs each benchmark in its own process inside the lab's network namespace. Output also goes to
# bench/out/latest.txt. Reports only: exits 0 whatever the numbers or failures.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=bench/out
mkdir -p "$out"
# The bundles are removed afterwards (they are build output; bench/out/ is git-ignored).
trap 'rm -rf "$out"/*.js "$out/split" "$out/one.txt"' EXIT
banner="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);"
version=$(node -p 'JSON.stringify(require("./package.json").version)')
# --packages=external: like tsup, only our own code is bundled; ink, react, ssh2 ... load from node_modules.
common=(--bundle --platform=node --format=esm --target=node20 --log-level=warning --packages=external
  "--banner:js=$banner" "--define:__MVM_VERSION__=$version" '--define:process.env.NODE_ENV="production"')
node_modules/.bin/esbuild src/cli.tsx "${common[@]}" --outfile="$out/cli.js" || exit 0
# Split into chunks, as tsup builds dist/ (the one bundle above is measured beside it by bench/status-cli.ts).
rm -rf "$out/split"
node_modules/.bin/esbuild src/cli.tsx "${common[@]}" --splitting --outdir="$out/split" || exit 0
node_modules/.bin/esbuild bench/main.ts "${common[@]}" --outfile="$out/bench.js" || exit 0

# lab:run enters the lab netns (no route anywhere else) and cds to INIT_CWD: make that the repo root.
inlab() { INIT_CWD="$root" npm run -s lab:run -- "$@"; }
# The lab is shared and sometimes rebuilt by other runs: wait for it (up to 5 minutes).
waitlab() {
  for _ in $(seq 60); do
    inlab ssh -F "$root/test/lab/run/ssh_config" -o ConnectTimeout=3 -o LogLevel=ERROR lab 'systemctl is-system-running --wait' >/dev/null 2>&1 && return 0
    sleep 5
  done
  return 1
}

names=("$@")
[ ${#names[@]} -gt 0 ] || read -r -a names <<<"$(node "$out/bench.js" --list)"
{
  echo "command: npm run bench${*:+ -- $*}"
  node "$out/bench.js" --header
  for name in "${names[@]}"; do
    for attempt in 1 2 3; do
      if ! waitlab; then echo; echo "## $name: SKIPPED, the lab did not answer for 5 minutes"; break; fi
      inlab node --expose-gc "$root/$out/bench.js" "$name" >"$out/one.txt" 2>&1
      rc=$?
      if [ $rc = 3 ] && [ $attempt -lt 3 ]; then
        echo "  ($name: attempt $attempt failed, run again: $(grep -m1 FAILED "$out/one.txt" | cut -c1-160))" >&2
        continue
      fi
      cat "$out/one.txt"
      break
    done
  done
} 2>&1 | sed "s/\x1b\[?25h//g" | tee "$out/latest.txt"
exit 0
