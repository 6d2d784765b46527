#!/usr/bin/env bash
# fleet-down.sh: stops the replay hypervisors of fleet-up.sh (their sshd by pid file) and removes their network
# namespaces (each veth goes with its namespace) and /run/mvm-tui-fleet. Safe to run when nothing is up.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_root
FLEET_DIR=/run/mvm-tui-fleet
for pidfile in "$FLEET_DIR"/mvmfleet*.pid; do
  [ -e "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  # Only our sshd: its command line names its config in $FLEET_DIR.
  grep -qa "$FLEET_DIR/" "/proc/$pid/cmdline" 2>/dev/null && kill "$pid" 2>/dev/null || true
done
# Their sessions outlive the listener when a client dies mid-refresh, and a session keeps its namespace (and the
# veth in the lab namespace) alive: end everything still in one before deleting it.
for ns in $(ip netns list | awk '/^mvmfleet[0-9]+/ {print $1}'); do
  ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip netns del "$ns"
done
rm -rf "$FLEET_DIR"
