#!/usr/bin/env bash
# bash bench/frame-cost.sh [HOSTS] [ROUNDS]: the CPU a report round costs the whole UI, with the frame composing
# the bundle ships (src/stubs/ink-output.ts) vs. Ink's own, alternated 3 times each in this script. Needs no lab.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p bench/out
out=$(mktemp -d "$root/bench/out/frame.XXXXXX")
trap 'rm -rf "$out"' EXIT
for kind in stub ink; do
  BENCH_INK_OUTPUT=$kind BENCH_ENTRY=frame-cost=bench/frame-cost.tsx BENCH_OUT_DIR="$out/$kind" npx tsup --config bench/tsup.bench.ts >/dev/null
done
echo "command: bash bench/frame-cost.sh $*"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); node $(node -v); $(cut -d' ' -f1-3 /proc/loadavg | sed 's/^/load average /')"
for i in 1 2 3; do
  for kind in ink stub; do
    # Ink shows the cursor again on stderr when it exits; anything else there is an error worth seeing.
    printf '%s %s\n' "$kind" "$(env -u CI node "$out/$kind/frame-cost.js" "${1:-20}" "${2:-100}" 2>"$out/err")"
    sed 's/\x1b\[?25h//g' "$out/err" >&2
  done
done | node -e '
const runs = require("fs").readFileSync(0, "utf8").trim().split("\n").map((l) => { const [k, j] = [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]; return { k, ...JSON.parse(j) }; });
const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = (k, what) => med(runs.filter((r) => r.k === k).map((r) => r[what].msPerRound));
const r0 = runs[0];
console.log(`${r0.hosts} hosts x 5 VMs on 160x50, ${r0.rounds} report rounds each, medians of 3 runs (CPU per round):`);
console.log("                                  a VM changed (a frame)   nothing changed (no frame)");
for (const [k, label] of [["ink", "Ink\x27s own frame composing"], ["stub", "as shipped (ink-output.ts)"]]) console.log(`  ${label.padEnd(30)}  ${row(k, "frame").toFixed(2).padStart(8)} ms              ${row(k, "idle").toFixed(2).padStart(8)} ms`);
console.log(`  ratio (Ink\x27s own / as shipped):   ${(row("ink", "frame") / row("stub", "frame")).toFixed(1)}x                    ${(row("ink", "idle") / row("stub", "idle")).toFixed(1)}x`);
console.log(`  writes per run: ${runs.map((r) => r.frame.writes).join(", ")} (changed), ${runs.map((r) => r.idle.writes).join(", ")} (unchanged)`);
'
