#!/usr/bin/env bash
# bash bench/soak.sh [SECONDS]: the load test (test/lab/load.test.ts: 10 flooding log panes + 1 s status
# refreshes on one connection, against an sshd with MaxSessions 10) run for SECONDS (default 600) on the lab;
# prints the heap/rss figures that bench/soak.md reports. Needs the native-speed lab up (MVM_LAB=nspawn npm run
# lab:up): the load test runs only in the container.
set -euo pipefail
export MVM_LAB=nspawn
cd "$(dirname "$0")/.."
export LOAD_SECONDS=${1:-600}
npm run -s lab:run -- npx vitest run --project lab test/lab/load.test.ts 2>&1 | grep -a -E '^load:|Tests|✓|×'
