#!/usr/bin/env bash
# Builds the VM lab's base tree once (the slow part: 9 min 30 s on this 2-core machine when idle): Debian 12 from this machine's own apt
# mirror with Debian's cloud kernel, systemd, OpenSSH and OpenZFS 2.3 from bookworm-backports (contrib), whose
# zfs.ko dkms compiles for the guest kernel inside a chroot. Output: $LAB_CACHE/vmbase-HASH.tar.zst, keyed on
# the package lists and this script. Prints its path. Nothing in the chroot is started: policy-rc.d says no and
# no systemd runs there (it is only ever PID 1 inside the VM).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
mkdir -p "$LAB_CACHE"
exec 9>"$LAB_CACHE/.vmlock"; flock 9
out="$LAB_CACHE/vmbase-$(vm_base_hash).tar.zst"
if [ -s "$out" ]; then echo "$out"; exit 0; fi

work=$(mktemp -d "$LAB_CACHE/vmbuild.XXXXXX")
root="$work/root"
cleanup() {
  for m in proc sys dev/pts dev; do mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"; done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
mirror=$("$LAB_DIR/mirror.sh" "$LAB_SUITE")
log "vm base: debootstrap $LAB_SUITE with the cloud kernel from $mirror"
debootstrap --variant=minbase --include="$LAB_VM_PACKAGES" "$LAB_SUITE" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"; chmod 755 "$root/usr/sbin/policy-rc.d"
cat >"$root/etc/apt/sources.list" <<SRC
deb $mirror $LAB_SUITE main contrib
deb $mirror $LAB_SUITE-backports main contrib
SRC
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --bind /dev "$root/dev"
# in_chroot WHAT SCRIPT: one step of the guest's set-up, timed in the build's log; its output goes to chroot.log.
in_chroot() {
  log "vm base: $1"
  chroot "$root" /bin/bash -euo pipefail -c "export DEBIAN_FRONTEND=noninteractive; kver=\$(ls /lib/modules | sort -V | tail -n1); $2" >>"$work/chroot.log" 2>&1 \
    || { tail -30 "$work/chroot.log" >&2; die "$1 in the vm base failed (log above)"; }
}
in_chroot "the guest kernel's headers" '
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "linux-headers-$kver" >/dev/null'
in_chroot "OpenZFS from $LAB_SUITE-backports, zfs.ko built by dkms for the guest kernel (most of the build)" '
  apt-get install -y -qq --no-install-recommends -t '"$LAB_SUITE"'-backports zfs-dkms zfsutils-linux zfs-zed >/dev/null
  ls /lib/modules/$kver/updates/dkms/zfs.ko* >/dev/null 2>&1 || dkms autoinstall -k "$kver"
  ls /lib/modules/$kver/updates/dkms/zfs.ko*'
# The initrd must find the root disk: virtio drivers are modules in the cloud kernel.
in_chroot "the initrd with the virtio drivers" '
  printf "%s\n" virtio_pci virtio_blk virtio_net ext4 >>/etc/initramfs-tools/modules
  update-initramfs -u -k "$kver"
  apt-get clean'
for m in proc sys dev; do umount -l "$root/$m"; done
rm -f "$root/usr/sbin/policy-rc.d"
tar -C "$root" --numeric-owner -cf - . | zstd -q -T0 -3 -o "$out.tmp" && mv "$out.tmp" "$out"
ls -1t "$LAB_CACHE"/vmbase-*.tar.zst | tail -n +3 | xargs -r rm -f
log "vm base: $(du -h "$out" | cut -f1) cached"
echo "$out"
