#!/usr/bin/env bash
# npm run lab:run -- CMD...  runs a local command inside the lab's network namespace, where the lab's
# addresses are reachable and nothing else is. Same user, environment and directory (npm's INIT_CWD).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || die "usage: npm run lab:run -- COMMAND..."
[ -e "/run/netns/$LAB_NETNS" ] || die "the lab is not up: npm run lab:up"
[ -n "${INIT_CWD:-}" ] && cd "$INIT_CWD"
# Which lab the tests talk to (test/lab/paths.ts): its kind, run files, netns and the netns end of its link.
export MVM_LAB_KIND="$LAB_KIND" MVM_LAB_RUN_DIR="$LAB_RUN_DIR" MVM_LAB_NETNS="$LAB_NETNS" MVM_LAB_LINK="$LAB_VETH"
if [ "$(id -u)" = 0 ]; then exec nsenter --net="/run/netns/$LAB_NETNS" -- "$@"; fi
# Entering a namespace needs root; drop back to the caller right after.
exec sudo --preserve-env nsenter --net="/run/netns/$LAB_NETNS" -- \
  setpriv --reuid="$(id -u)" --regid="$(id -g)" --init-groups -- "$@"
