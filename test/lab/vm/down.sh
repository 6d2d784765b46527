#!/usr/bin/env bash
# npm run lab:down (the VM lab, the default) — stop the VM lab (qemu), remove its netns, TAP, overlay disk, guard routes and
# run files; keep the cache and the client key. Also lab:up's recovery step (--quiet).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
quiet=0; [ "${1:-}" = --quiet ] && quiet=1
say() { [ "$quiet" = 1 ] || log "$@"; }
start=$(date +%s%N)
if pid=$(vm_pid); then
  # A clean poweroff takes ~10 s under TCG; the disk is a throwaway overlay, so only ask briefly.
  lab_ssh -o ConnectTimeout=2 'systemctl poweroff --no-block' >/dev/null 2>&1 || true
  for _ in $(seq 100); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
  if [ -d "/proc/$pid" ]; then say "qemu $pid still running after 10 s: SIGTERM"; kill -TERM "$pid" 2>/dev/null || true; fi
  for _ in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
  [ -d "/proc/$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  say "qemu $pid stopped"
fi
ip netns del "$LAB_NETNS" 2>/dev/null || true
while read -r net; do ip route del unreachable "$net" 2>/dev/null || true; done < <(cat "$LAB_STATE/guard-routes" 2>/dev/null)
rm -f "$LAB_STATE"/{guard-routes,qemu.pid,hash,disk.qcow2}
rm -rf "$LAB_ROOT"
rm -f "$LAB_RUN_DIR"/{inventory.yaml,inventory-proxyjump.yaml,ssh_config,known_hosts,lab.env}
say "down ($(( ($(date +%s%N) - start) / 1000000 )) ms)"
