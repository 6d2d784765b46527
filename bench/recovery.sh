#!/usr/bin/env bash
# bash bench/recovery.sh: the recovery bench (bench/recovery.ts) against the lab, under the lab lock; builds the
# CLI first. MVM_OUTAGES=5,10 picks the outages (seconds). Long-running (~10 minutes with the default ten), so it is
# not part of `npm run bench` nor of npm test.
set -euo pipefail
# Benchmarks run on the native-speed lab (the nspawn container): MVM_LAB=nspawn npm run lab:up.
export MVM_LAB=nspawn
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
npm run -s build >/dev/null
out=$(mktemp -d "${TMPDIR:-/tmp}/mvm-recovery-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT
node_modules/.bin/esbuild bench/recovery.ts --bundle --platform=node --format=esm --target=node20 --packages=external --log-level=warning --outfile="$out/recovery.mjs"
# run from the repo root so the bundle finds node_modules and bin/mvm-tui
cp "$out/recovery.mjs" "$root/bench/.recovery.mjs"
trap 'rm -rf "$out" "$root/bench/.recovery.mjs"' EXIT
INIT_CWD="$root" flock /tmp/mvm-lab.lock npm run -s lab:run -- node bench/.recovery.mjs
