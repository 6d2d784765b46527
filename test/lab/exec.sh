#!/usr/bin/env bash
# npm run lab:exec -- CMD...  runs CMD (a shell command line) on the lab hypervisor as root, over ssh with
# the lab key inside the lab netns; stdin, stdout, stderr and the exit code pass through (255: ssh failed).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || die "usage: npm run lab:exec -- COMMAND..."
[ -s "$LAB_RUN_DIR/ssh_config" ] && [ -e "/run/netns/$LAB_NETNS" ] || die "the lab is not up: npm run lab:up"
as_root=(); [ "$(id -u)" = 0 ] || as_root=(sudo)
exec "${as_root[@]}" nsenter --net="/run/netns/$LAB_NETNS" -- ssh -F "$LAB_RUN_DIR/ssh_config" -o LogLevel=ERROR lab -- "$@"
