#!/usr/bin/env bash
# npm run lab:up (the default lab) — boot lab v2: the hypervisor as a qemu (TCG) VM with its own kernel and OpenZFS 2.3,
# in the network namespace $LAB_NETNS (no route out) on a TAP, at the same addresses as the nspawn lab.
# Idempotent; cleans up a half-dead earlier VM lab first. See test/lab/README.md.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
start=$(date +%s%N)
elapsed() { echo "$(( ($(date +%s%N) - start) / 1000000 )) ms"; }
mkdir -p "$LAB_STATE"
exec 8>"$LAB_STATE/up.lock"; flock 8
want=$(vm_disk_hash)

if vm_pid >/dev/null && [ "$(cat "$LAB_STATE/hash" 2>/dev/null)" = "$want" ] \
   && [ -s "$LAB_RUN_DIR/inventory.yaml" ] && lab_ssh -o ConnectTimeout=3 true 2>/dev/null; then
  log "already up ($(elapsed))"
  exit 0
fi

"$LAB_DIR/vm/down.sh" --quiet
"$LAB_DIR/host-setup.sh"
disk=$("$LAB_DIR/vm/build-disk.sh")

mkdir -p "$LAB_RUN_DIR"
rm -rf "$LAB_ROOT" && cp -a "$disk/keys" "$LAB_ROOT"
qemu-img create -q -f qcow2 -b "$disk/disk.raw" -F raw "$LAB_STATE/disk.qcow2"
[ -s "$LAB_RUN_DIR/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C mvm-tui-lab -f "$LAB_RUN_DIR/id_ed25519"
key=$(cut -d' ' -f2 "$LAB_RUN_DIR/id_ed25519.pub")
"$LAB_DIR/run-files.sh" --early

# The namespace: loopback + the VM's TAP; no default route, so nothing leaves the machine.
ip netns add "$LAB_NETNS"
ip -n "$LAB_NETNS" link set lo up
ip -n "$LAB_NETNS" tuntap add dev "$LAB_VETH" mode tap
ip -n "$LAB_NETNS" addr add "$LAB_HOST_SIDE/24" dev "$LAB_VETH"
ip -n "$LAB_NETNS" link set "$LAB_VETH" up
for net in $LAB_GUARD_NETS; do
  ip -4 route get "${net%.0/24}.2" 2>/dev/null | grep -q ' via ' || continue
  ip route add unreachable "$net" && echo "$net" >>"$LAB_STATE/guard-routes"
done

log "booting the VM (qemu TCG, niced: about 45 s)"
# TCG (KVM guests do not run on this kind of machine); nice: the machine's 2 cores are shared.
setsid nsenter --net="/run/netns/$LAB_NETNS" nice -n 10 qemu-system-x86_64 \
  -name mvmlab2 -M pc,accel=tcg -cpu max -smp 2 -m 2048 -nodefaults -display none -vga none \
  -serial "file:$LAB_STATE/console.log" -pidfile "$LAB_STATE/qemu.pid" \
  -kernel "$disk/vmlinuz" -initrd "$disk/initrd.img" \
  -append "root=/dev/vda rw console=ttyS0 mitigations=off quiet lab.sshkey=$key" \
  -drive "file=$LAB_STATE/disk.qcow2,if=virtio,format=qcow2,cache=unsafe" \
  -netdev "tap,id=n0,ifname=$LAB_VETH,script=no,downscript=no" -device "virtio-net-pci,netdev=n0,mac=$LAB_VM_MAC" \
  </dev/null >"$LAB_STATE/qemu.log" 2>&1 8>&- &

fail() { log "$1; console:"; tail -25 "$LAB_STATE/console.log" >&2; tail -5 "$LAB_STATE/qemu.log" >&2; exit 1; }
for _ in $(seq 300); do vm_pid >/dev/null && break; sleep 0.1; done
for _ in $(seq 300); do
  vm_pid >/dev/null || fail "qemu exited"
  lab_ssh -o ConnectTimeout=2 true 2>/dev/null && break
  sleep 1
done
lab_ssh true 2>/dev/null || fail "ssh to $LAB_HOST never answered"
log "ssh answers ($(elapsed))"
state=$(lab_ssh 'timeout 180 systemctl is-system-running --wait' 2>/dev/null || true)
case $state in
running) ;;
degraded) log "warning: degraded; failed units:"; lab_ssh 'systemctl --failed --no-legend' >&2 ;;
*) lab_ssh 'systemctl --failed --no-legend; journalctl -b -p 3 --no-pager | tail -20' >&2 || true; fail "system state '$state'" ;;
esac
echo "$want" >"$LAB_STATE/hash"
"$LAB_DIR/run-files.sh"
log "up ($(elapsed)): inventory $LAB_RUN_DIR/inventory.yaml, ssh -F $LAB_RUN_DIR/ssh_config"
