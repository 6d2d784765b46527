#!/usr/bin/env bash
# npm run lab:down — power the lab off and remove what it made on the host (netns, veths, nspawn's
# leftovers, cgroups, the tree, the run files); keeps the cached tarballs and the client key.
# Also the recovery step of lab:up (--quiet), so it must cope with any half-made state.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_root
[ "$LAB_KIND" = vm ] && exec "$LAB_DIR/vm/down.sh" "$@"
quiet=0; [ "${1:-}" = --quiet ] && quiet=1
say() { [ "$quiet" = 1 ] || log "$@"; }
start=$(date +%s%N)

# Our nspawn: from the pid file, or (pid file lost) the systemd-nspawn whose command line names our tree.
pids=$(nspawn_pid || true)
if [ -z "$pids" ]; then
  for d in /proc/[0-9]*; do
    cmd=$(tr '\0' ' ' 2>/dev/null <"$d/cmdline") || continue
    case $cmd in *systemd-nspawn*" -D $LAB_ROOT "*) pids="$pids ${d#/proc/}" ;; esac
  done
fi
for pid in $pids; do
  say "powering off (SIGTERM to systemd-nspawn $pid)"
  kill -TERM "$pid" 2>/dev/null || continue
  for _ in $(seq 150); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
  say "systemd-nspawn $pid exited"
  if [ -d "/proc/$pid" ]; then log "systemd-nspawn $pid ignored SIGTERM for 15 s; SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; sleep 0.5; fi
done

# A SIGKILLed nspawn leaves the container's systemd running, orphaned, in our cgroups: power it off
# (SIGRTMIN+3 is systemd's poweroff), then kill whatever is left in those cgroups.
cg_pids() { for cg in $LAB_CGROUPS; do [ -d "$cg" ] && find "$cg" -name cgroup.procs -exec cat {} +; done 2>/dev/null | sort -u; }
if [ -n "$(cg_pids)" ]; then
  for pid in $(cg_pids); do
    # the container's init is PID 1 in its own PID namespace
    [ "$(awk '/^NSpid:/ {print $NF}' "/proc/$pid/status" 2>/dev/null)" = 1 ] || continue
    say "powering off an orphaned container (init $pid)"
    kill -s RTMIN+3 "$pid" 2>/dev/null || true
  done
  for _ in $(seq 150); do [ -z "$(cg_pids)" ] && break; sleep 0.1; done
  for pid in $(cg_pids); do kill -KILL "$pid" 2>/dev/null || true; done
fi

# Deleting the namespace deletes the veth in it; a veth in the root namespace would be from a stray run.
ip netns del "$LAB_NETNS" 2>/dev/null || true
ip link del "$LAB_VETH" 2>/dev/null || true
while read -r net; do ip route del unreachable "$net" 2>/dev/null || true; done < <(cat "$LAB_STATE/guard-routes" 2>/dev/null)
rm -f "$LAB_STATE/guard-routes"
rm -rf "/run/systemd/nspawn/propagate/$LAB_MACHINE" "/run/systemd/nspawn/unix-export/$LAB_MACHINE"
# Mounts below the tree (only if something mounted in the host's namespace), deepest first.
findmnt -rn -o TARGET | { grep -F "$LAB_ROOT" || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
# The container's cgroups (nspawn's payload/supervisor and what its systemd made below): empty once the
# last process of the container is gone, which can lag a moment behind nspawn's exit.
for _ in $(seq 50); do
  left=0
  for cg in $LAB_CGROUPS; do
    [ -d "$cg" ] || continue
    find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    [ -d "$cg" ] && left=1
  done
  [ "$left" = 0 ] && break
  sleep 0.1
done
[ "$left" = 0 ] || log "warning: cgroups left behind: $(find $LAB_CGROUPS -name cgroup.procs -exec grep -l . {} + 2>/dev/null | tr '\n' ' ')"
# Deleting the tree takes seconds (20 s with the pool files on a disk mounted with `discard`): move it
# aside and delete it in the background; a later run sweeps up anything a killed delete left.
if [ -d "$LAB_ROOT" ]; then mv "$LAB_ROOT" "$LAB_ROOT.old.$$"; fi
for old in "$LAB_ROOT".old.*; do
  [ -d "$old" ] && setsid rm -rf --one-file-system "$old" </dev/null >/dev/null 2>&1 8>&- 9>&- &
done
rm -f "$LAB_STATE/nspawn.pid" "$LAB_STATE/hash"
rm -f "$LAB_RUN_DIR"/{inventory.yaml,inventory-proxyjump.yaml,ssh_config,known_hosts,lab.env}
say "down ($(( ($(date +%s%N) - start) / 1000000 )) ms)"
