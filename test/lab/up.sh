#!/usr/bin/env bash
# npm run lab:up — boot the lab hypervisor (idempotent; recovers from a half-torn-down lab). See test/lab/README.md.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_root
[ "$LAB_KIND" = vm ] && exec "$LAB_DIR/vm/up.sh" "$@"
start=$(date +%s%N)
elapsed() { echo "$(( ($(date +%s%N) - start) / 1000000 )) ms"; }
mkdir -p "$LAB_STATE"
exec 8>"$LAB_STATE/up.lock"; flock 8          # concurrent lab:up calls wait for the first one
want=$(image_hash)

if nspawn_pid >/dev/null && [ "$(cat "$LAB_STATE/hash" 2>/dev/null)" = "$want" ] \
   && [ -s "$LAB_RUN_DIR/inventory.yaml" ] && lab_ssh -o ConnectTimeout=3 true 2>/dev/null; then
  "$LAB_DIR/live.sh" --running
  log "already up ($(elapsed))"
  exit 0
fi

# Anything left from an earlier lab (killed mid-way, or an older image) goes first.
"$LAB_DIR/down.sh" --quiet
"$LAB_DIR/host-setup.sh"
tarball=$("$LAB_DIR/build-tree.sh")

log "unpacking a fresh tree"
mkdir -p "$(dirname "$LAB_ROOT")" "$LAB_RUN_DIR"
mkdir "$LAB_ROOT"
zstd -q -dc "$tarball" | tar -C "$LAB_ROOT" --numeric-owner -xf -
[ -s "$LAB_RUN_DIR/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C mvm-tui-lab -f "$LAB_RUN_DIR/id_ed25519"
# The test client may log into the hypervisor and (ProxyJump) into every VM.
cat "$LAB_RUN_DIR/id_ed25519.pub" >>"$LAB_ROOT/root/.ssh/authorized_keys"
cat "$LAB_RUN_DIR/id_ed25519.pub" >>"$LAB_ROOT/etc/lab/vm/authorized_keys"
"$LAB_DIR/run-files.sh" --early
"$LAB_DIR/live.sh"

# The namespace: loopback + the veth nspawn adds; no default route, so nothing leaves the machine.
ip netns add "$LAB_NETNS"
ip -n "$LAB_NETNS" link set lo up
# Guard the host's own namespace: a lab test run outside the netns by mistake fails at once ("no route to
# host") instead of sending to these addresses through the default route. Only where they would leave.
for net in $LAB_GUARD_NETS; do
  ip -4 route get "${net%.0/24}.2" 2>/dev/null | grep -q ' via ' || continue
  ip route add unreachable "$net" && echo "$net" >>"$LAB_STATE/guard-routes"
done
for cg in $LAB_CGROUPS; do [ -d "$(dirname "$cg")" ] && mkdir -p "$cg"; done

log "booting the container"
export LAB_CGROUPS LAB_STATE LAB_NETNS LAB_ROOT LAB_MACHINE
setsid bash -c '
  for cg in $LAB_CGROUPS; do [ -d "$cg" ] && echo $$ >"$cg/cgroup.procs"; done
  echo $$ >"$LAB_STATE/nspawn.pid"
  exec nsenter --net="/run/netns/$LAB_NETNS" systemd-nspawn -q -D "$LAB_ROOT" -M "$LAB_MACHINE" --boot \
    --register=no --keep-unit --network-veth --bind=/dev/fuse --console=passive
' </dev/null >"$LAB_STATE/nspawn.log" 2>&1 8>&- &

alive() { nspawn_pid >/dev/null || { sleep 0.2; nspawn_pid >/dev/null; }; }
fail() { log "$1; nspawn log:"; tail -20 "$LAB_STATE/nspawn.log" >&2; exit 1; }
for _ in $(seq 100); do ip -n "$LAB_NETNS" link show "$LAB_VETH" >/dev/null 2>&1 && break; sleep 0.1; done
ip -n "$LAB_NETNS" link show "$LAB_VETH" >/dev/null 2>&1 || fail "no $LAB_VETH appeared"
ip -n "$LAB_NETNS" addr replace "$LAB_HOST_SIDE/24" dev "$LAB_VETH"
ip -n "$LAB_NETNS" link set "$LAB_VETH" up

for _ in $(seq 120); do
  alive || fail "systemd-nspawn exited"
  lab_ssh -o ConnectTimeout=1 true 2>/dev/null && break
  sleep 0.5
done
lab_ssh true 2>/dev/null || fail "ssh to $LAB_HOST never answered"
state=$(lab_ssh 'timeout 120 systemctl is-system-running --wait' 2>/dev/null || true)
case $state in
running) ;;
degraded) log "warning: degraded; failed units:"; lab_ssh 'systemctl --failed --no-legend' >&2 ;;
*) lab_ssh 'systemctl --failed --no-legend; journalctl -b -p 3 --no-pager | tail -20' >&2 || true; fail "system state '$state'" ;;
esac
echo "$want" >"$LAB_STATE/hash"
"$LAB_DIR/run-files.sh"
log "up ($(elapsed)): inventory $LAB_RUN_DIR/inventory.yaml, ssh -F $LAB_RUN_DIR/ssh_config"
