#!/usr/bin/env bash
# npm run bench [-- NAME...]: builds the CLI as it ships (`npm run build`, run through a copy of bin/mvm-tui) and,
# for comparison, the same sources with their packages left in node_modules (what dist/ was before they were
# bundled); bundles the benchmarks; then runs each benchmark in its own process inside the lab's network
# namespace. Output also goes to bench/out/latest.txt. Reports only: exits 0 whatever the numbers.
set -uo pipefail
# Benchmarks run on the native-speed lab (the nspawn container): MVM_LAB=nspawn npm run lab:up.
export MVM_LAB=nspawn
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p bench/out
# This run's builds live in a directory of their own (removed afterwards; bench/out/ is git-ignored), so two runs
# at once (the machine is shared) never delete each other's; bench/lib/env.ts finds it by MVM_BENCH_BUILD.
out=$(mktemp -d "$root/bench/out/run.XXXXXX")
export MVM_BENCH_BUILD="$out"
trap 'rm -rf "$out"' EXIT
banner="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);"
version=$(node -p 'JSON.stringify(require("./package.json").version)')
# --packages=external: only our own code is bundled; ink, react, ssh2 ... load from node_modules.
common=(--bundle --platform=node --format=esm --target=node20 --log-level=warning --packages=external
  "--banner:js=$banner" "--define:__MVM_VERSION__=$version" '--define:process.env.NODE_ENV="production"')
# What ships: tsup.config.ts exactly, but into this run's directory so the shared dist/ is not rebuilt under other
# running tests; bin/mvm-tui's copy imports ../dist/cli.js, which is then the one built here.
npm run -s build -- --out-dir "$out/dist" >/dev/null || exit 0
mkdir -p "$out/bin" && cp bin/mvm-tui "$out/bin/mvm-tui"
# The before: split the same way, packages from node_modules, production React picked by NODE_ENV as bin/mvm-tui
# did then.
node_modules/.bin/esbuild src/cli.tsx "${common[@]}" --splitting --outdir="$out/before" || exit 0
printf "process.env.NODE_ENV ??= 'production';\nawait import('./cli.js');\n" >"$out/before/mvm-tui.mjs"
# The benchmarks themselves are bundled as the app ships (bench/tsup.bench.ts): what they render with Ink is
# drawn by the same code as in bin/mvm-tui.
BENCH_ENTRY=bench=bench/main.ts BENCH_OUT_DIR="$out/bench" npx tsup --config bench/tsup.bench.ts >/dev/null || exit 0
# log-memory and log-filter run in-process without the lab (bench/log-*.ts), so they are not bench.js's names.
BENCH_ENTRY=log-memory=bench/log-memory.ts BENCH_OUT_DIR="$out/bench" npx tsup --config bench/tsup.bench.ts >/dev/null || exit 0
BENCH_ENTRY=log-filter=bench/log-filter.ts BENCH_OUT_DIR="$out/bench" npx tsup --config bench/tsup.bench.ts >/dev/null || exit 0

# lab:run enters the lab netns (no route anywhere else) and cds to INIT_CWD: make that the repo root.
inlab() { INIT_CWD="$root" npm run -s lab:run -- "$@"; }
# The lab is shared and sometimes rebuilt by other runs: wait for it (up to 5 minutes).
waitlab() {
  for _ in $(seq 60); do
    inlab ssh -F "$root/test/lab/run-nspawn/ssh_config" -o ConnectTimeout=3 -o LogLevel=ERROR lab 'systemctl is-system-running --wait' >/dev/null 2>&1 && return 0
    sleep 5
  done
  return 1
}

# The node flags of bin/mvm-tui's `#!/usr/bin/env -S node ...` line (read by bench/lib/env.ts): the in-process
# benches (the log pane under a flood) run with them, as the app does.
read -r -a nodeflags <<<"$(node "$out/bench/bench.js" --node-flags)"

names=("$@")
[ ${#names[@]} -gt 0 ] || read -r -a names <<<"$(node "$out/bench/bench.js" --list) log-memory log-filter"

# What the benches need installed, installed here before any enters the lab's namespace (it has no route to the
# package mirror), as lab:up does for the lab: the fleet's replay hosts are OpenSSH sshd (test/lab/fleet-up.sh).
# A policy-rc.d of our own, only while apt runs and only if the machine has none, keeps the package from starting
# an sshd on this machine; nothing is started.
if [[ " ${names[*]} " == *" fleet "* ]] && [ ! -x /usr/sbin/sshd ]; then
  as_root=(); [ "$(id -u)" = 0 ] || as_root=(sudo)
  echo "bench: installing openssh-server for the fleet's replay hosts (its service is not started)" >&2
  ours=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee /usr/sbin/policy-rc.d >/dev/null && "${as_root[@]}" chmod 755 /usr/sbin/policy-rc.d && ours=1
  fi
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server >/dev/null 2>&1 ||
    { "${as_root[@]}" apt-get update -qq && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server >/dev/null; } ||
    echo "bench: could not install openssh-server; the fleet bench will say why" >&2
  [ -z "$ours" ] || "${as_root[@]}" rm -f /usr/sbin/policy-rc.d
  # ... nor from starting one at the next boot (nothing else wanted it).
  if [ -d /run/systemd/system ]; then "${as_root[@]}" systemctl disable --now ssh.service ssh.socket >/dev/null 2>&1 || true; fi
fi
{
  echo "command: npm run bench${*:+ -- $*}"
  node "$out/bench/bench.js" --header
  for name in "${names[@]}"; do
    if [ "$name" = log-memory ]; then
      echo; echo "## 7. Log pane memory, in-process: heap and rss per held line vs. plain strings (bench/log-memory.ts)"
      node "${nodeflags[@]}" --expose-gc "$out/bench/log-memory.js" --ink
      continue
    fi
    if [ "$name" = log-filter ]; then
      echo; echo "## 7b. Log filter cost, in-process: V8 windowed (before) vs. RE2, whole line (after) (bench/log-filter.ts)"
      node "${nodeflags[@]}" "$out/bench/log-filter.js"
      continue
    fi
    for attempt in 1 2 3; do
      if ! waitlab; then echo; echo "## $name: SKIPPED, the lab did not answer for 5 minutes"; break; fi
      inlab node "${nodeflags[@]}" --expose-gc "$out/bench/bench.js" "$name" >"$out/one.txt" 2>&1
      rc=$?
      if [ $rc = 3 ] && [ $attempt -lt 3 ]; then
        echo "  ($name: attempt $attempt failed, run again: $(grep -m1 FAILED "$out/one.txt" | cut -c1-160))" >&2
        continue
      fi
      cat "$out/one.txt"
      break
    done
  done
} 2>&1 | sed "s/\x1b\[?25h//g" | tee bench/out/latest.txt
exit 0
