# Shared settings and helpers of the lab scripts (sourced, not run).
# The lab: "the hypervisor" (a qemu VM by default, or a systemd-nspawn container) inside the network namespace
# $LAB_NETNS, which holds only loopback and the link to it and has no default route, so nothing in it can reach
# the internet. The settings below are the container's; the `vm` case changes what differs.

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_REPO=$(cd "$LAB_DIR/../.." && pwd)
LAB_RUN_DIR="$LAB_DIR/run"              # git-ignored: keys, known_hosts, inventories for tests (the VM lab's)
LAB_NETNS=mvmlab
LAB_MACHINE=mvmlab                      # nspawn names the host end of the veth ve-$LAB_MACHINE
LAB_VETH="ve-$LAB_MACHINE"
LAB_HOST_SIDE=192.168.77.1              # only exists inside $LAB_NETNS
LAB_HOST=192.168.77.2                   # the container's host0
LAB_VMS="vm1 vm2 vm3 vm4 vm5"
# Outside the netns these would go out through the default route: lab:up makes them unreachable there.
LAB_GUARD_NETS="192.168.77.0/24 10.1.0.0/24 10.2.0.0/24 10.3.0.0/24 10.4.0.0/24 10.5.0.0/24"
LAB_STATE=/run/mvm-tui-lab              # pid file, hash and log of the running lab
LAB_ROOT=/var/lib/mvm-tui-lab/root      # the container's tree (fresh from the cache on every boot)
LAB_CACHE=${LAB_CACHE:-/var/cache/mvm-tui-lab}
LAB_SUITE=bookworm
LAB_PACKAGES=systemd,systemd-sysv,dbus,openssh-server,openssh-client,iproute2,zfs-fuse,procps,iputils-ping
# Cgroups the nspawn is placed in, so teardown knows exactly what to remove.
LAB_CGROUPS="/sys/fs/cgroup/systemd/$LAB_MACHINE /sys/fs/cgroup/unified/$LAB_MACHINE"

# Which lab: `vm` (the default, test/lab/vm/): the hypervisor as a qemu (TCG) VM with its own kernel and OpenZFS 2.3,
# in its own netns, state and cache keys; MVM_LAB=nspawn: the container with zfs-fuse, native speed, which the
# benchmarks use (bench/). Both can run side by side with the same addresses; each has its own run dir.
LAB_KIND=${MVM_LAB:-vm}
case $LAB_KIND in
nspawn)
  LAB_RUN_DIR="$LAB_DIR/run-nspawn"
  ;;
vm)
  LAB_NETNS=mvmlab2
  LAB_VETH=ve-mvmlab2                   # the VM's TAP (host end) in $LAB_NETNS
  LAB_STATE=/run/mvm-tui-lab-vm
  LAB_ROOT=$LAB_STATE/keys              # the host keys run-files.sh reads (the tree itself is in the disk image)
  LAB_CGROUPS=""
  LAB_VM_PACKAGES=systemd,systemd-sysv,dbus,udev,kmod,openssh-server,openssh-client,iproute2,procps,iputils-ping,psmisc,lsof,e2fsprogs,initramfs-tools,linux-image-cloud-amd64
  LAB_VM_MAC=52:54:00:77:00:02
  ;;
*) echo "lab: MVM_LAB must be nspawn or vm, not '$LAB_KIND'" >&2; exit 1 ;;
esac

log() { printf 'lab: [%3ss] %s\n' "$SECONDS" "$*" >&2; }
die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "must run as root (network namespaces and nspawn need it); try sudo"; }

# Hash of everything that goes into the configured tree: a change rebuilds the cached tarball.
image_hash() {
  (cd "$LAB_DIR" && { printf '%s\n' "$LAB_SUITE" "$LAB_PACKAGES"; find image -type f | LC_ALL=C sort | xargs sha256sum; } | sha256sum | cut -c1-16)
}
# VM lab: the base (kernel + OpenZFS, slow) and the disk (base + image/ + vm/files + live/, seconds).
vm_base_hash() { { printf '%s\n' "$LAB_SUITE" "$LAB_VM_PACKAGES"; cat "$LAB_DIR/vm/build-base.sh"; } | sha256sum | cut -c1-16; }
vm_disk_hash() {
  (cd "$LAB_DIR" && { vm_base_hash; find image vm/files vm/configure.sh vm/build-disk.sh live -type f | LC_ALL=C sort | xargs sha256sum; } | sha256sum | cut -c1-16)
}
base_hash() { printf '%s %s\n' "$LAB_SUITE" "$LAB_PACKAGES" | sha256sum | cut -c1-16; }

nspawn_pid() {
  local pid
  pid=$(cat "$LAB_STATE/nspawn.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -d "/proc/$pid" ] && grep -qa "systemd-nspawn" "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

vm_pid() {
  local pid
  pid=$(cat "$LAB_STATE/qemu.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -d "/proc/$pid" ] && grep -qa "qemu-system" "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

in_netns() { nsenter --net="/run/netns/$LAB_NETNS" -- "$@"; }

lab_ssh() {
  in_netns ssh -F "$LAB_RUN_DIR/ssh_config" -o ConnectTimeout=5 lab "$@"
}
